// The articles panel of the wxsim chat page: published articles (发布能力)
// and their comments (留言); the current follower comments under an article
// whose comments are open. It reads the current follower from the
// data-openid attribute app.js sets on <body>.
(function () {
  'use strict';

  var css = '.articles{background:#f7f7f7;border-bottom:1px solid #d6d6d6;padding:6px 8px;max-height:40vh;overflow-y:auto;font-size:13px}' +
    '.articles.collapsed{display:none}.article{background:#fff;border-radius:6px;padding:6px 8px;margin:6px 0}' +
    '.article-title{font-weight:600}.article-comment{color:#333;margin:3px 0 0 6px}.article-comment .elected{color:#07c160}' +
    '.article-comment .reply{color:#576b95;margin-left:6px}.comment-box{display:flex;gap:6px;margin-top:6px}' +
    '.comment-box input{flex:1;min-width:0;padding:5px;border:1px solid #ccc;border-radius:4px}' +
    '.comment-box button,#articles-toggle{border:1px solid #07c160;background:#07c160;color:#fff;border-radius:4px;padding:4px 8px;cursor:pointer}' +
    '#articles-toggle{position:absolute;left:54px;top:8px;font-size:12px;padding:3px 6px;background:#f7f7f7;color:#333;border-color:#ccc}';
  var style = document.createElement('style');
  style.textContent = css;
  document.head.appendChild(style);

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function url(p) { return window.wxsim && window.wxsim.url ? window.wxsim.url(p) : p; } // the selected account (accounts.js)

  var panel = el('section', 'articles collapsed');
  panel.id = 'articles';
  var toggle = el('button', '', '文章');
  toggle.id = 'articles-toggle';
  toggle.type = 'button';
  toggle.title = 'published articles and comments / 文章留言';

  function render(list) {
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    if (!list.length) {
      panel.appendChild(el('div', 'system hint', '暂无已发布文章 no published article yet'));
      return;
    }
    list.forEach(function (a) {
      var box = el('div', 'article');
      box.setAttribute('data-article', a.msg_data_id + '_' + a.index);
      box.appendChild(el('div', 'article-title', a.title + (a.comments_open ? '' : ' (留言未开启 comments closed)')));
      a.comments.forEach(function (c) {
        var line = el('div', 'article-comment');
        if (c.elected) line.appendChild(el('span', 'elected', '[精选] '));
        line.appendChild(el('span', '', c.name + '：' + c.content));
        if (c.reply) line.appendChild(el('span', 'reply', '作者回复：' + c.reply));
        box.appendChild(line);
      });
      if (a.comments_open) {
        var form = el('div', 'comment-box');
        var input = el('input');
        input.placeholder = '写留言 comment';
        input.maxLength = 600;
        var send = el('button', '', '留言');
        send.type = 'button';
        send.addEventListener('click', function () {
          var user = document.body.getAttribute('data-openid') || '';
          var text = input.value.trim();
          if (!user || !text) return;
          fetch(url('/sim/api/articles/' + a.msg_data_id + '/' + a.index + '/comments'), {
            method: 'POST', headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ user: user, content: text })
          }).then(function (r) { if (r.ok) { input.value = ''; } return load(); });
        });
        form.appendChild(input);
        form.appendChild(send);
        box.appendChild(form);
      }
      panel.appendChild(box);
    });
  }

  function load() {
    return fetch(url('/sim/api/articles')).then(function (r) { return r.json(); }).then(render).catch(function () {});
  }

  function init() {
    var setup = document.getElementById('setup');
    var bar = document.querySelector('.topbar');
    if (!setup || !bar) return;
    setup.parentNode.insertBefore(panel, setup.nextSibling);
    bar.appendChild(toggle);
    toggle.addEventListener('click', function () {
      panel.classList.toggle('collapsed');
      if (!panel.classList.contains('collapsed')) load();
    });
    document.addEventListener('wxsim:account', function () {
      if (!panel.classList.contains('collapsed')) load();
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();

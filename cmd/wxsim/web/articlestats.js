// Reads (阅读) and shares (分享) in the articles panel of the wxsim chat page
// (comments.js draws it): clicking an article's title opens it, which counts
// as a read by the current follower; the 分享 button shares it to a friend.
// Both feed the 发表内容 reports of 数据统计 (getarticleread ...).
(function () {
  'use strict';

  var style = document.createElement('style');
  style.textContent = '.article .article-title{cursor:pointer}.article.opened .article-title{color:#576b95}' +
    '.article-stats{display:flex;gap:8px;align-items:center;margin-top:4px;color:#888;font-size:12px}' +
    '.article-stats button{border:1px solid #ccc;background:#fff;border-radius:4px;padding:2px 8px;cursor:pointer}';
  document.head.appendChild(style);

  function url(p) { return window.wxsim && window.wxsim.url ? window.wxsim.url(p) : p; }
  var seen = {}; // "msg_data_id_index" -> last answer, kept across re-renders

  function post(key, verb, box) {
    var user = document.body.getAttribute('data-openid') || '';
    if (!user) return;
    var parts = key.split('_');
    fetch(url('/sim/api/articles/' + parts[0] + '/' + parts[1] + '/' + verb), {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: user })
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (a) {
      if (!a) return;
      seen[key] = a;
      show(box, a);
    }).catch(function () {});
  }

  function show(box, a) {
    box.classList.add('opened');
    var label = box.querySelector('.article-stats span');
    if (label) label.textContent = '阅读 ' + a.reads + ' · 分享 ' + a.shares;
  }

  function decorate(box) {
    if (box.querySelector('.article-stats')) return;
    var key = box.getAttribute('data-article');
    var bar = document.createElement('div');
    bar.className = 'article-stats';
    var label = document.createElement('span');
    var share = document.createElement('button');
    share.type = 'button';
    share.className = 'article-share';
    share.textContent = '分享';
    share.title = 'share to a friend / 转发给朋友';
    share.addEventListener('click', function () { post(key, 'share', box); });
    bar.appendChild(label);
    bar.appendChild(share);
    var title = box.querySelector('.article-title');
    if (title) {
      title.title = 'open / 阅读';
      title.addEventListener('click', function () { post(key, 'read', box); });
      title.parentNode.insertBefore(bar, title.nextSibling);
    }
    if (seen[key]) show(box, seen[key]);
  }

  function init() {
    var panel = document.getElementById('articles');
    if (!panel) return;
    new MutationObserver(function () {
      panel.querySelectorAll('.article[data-article]').forEach(decorate);
    }).observe(panel, { childList: true });
    document.addEventListener('wxsim:account', function () { seen = {}; });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();

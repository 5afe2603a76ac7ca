// The wxsim chat page: a phone-like WeChat conversation with the simulated
// official account. It talks to the control API under /sim/api/ and renders
// the follower's conversation from the Server-Sent Events of
// /sim/api/events. Plain JavaScript, no build step.
//
// With several Official Accounts, every request names the selected one:
// apiURL adds account=APPID (window.wxsim.account, set by accounts.js, ''
// for the first), and window.wxsim.reload starts the page over for another
// account. Feature scripts build their URLs with window.wxsim.url.
(function () {
  'use strict';

  var $ = function (id) { return document.getElementById(id); };
  var ns = window.wxsim = window.wxsim || {};
  var state = { openid: '', name: '', following: false, lastSeq: 0, es: null, stick: true, autoTop: 0, lastPush: null };
  var kindLabels = { reply: '', custom: '客服消息', template: '模板消息', mass: '群发消息', error: '' };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function safeURL(u) {
    return /^https?:\/\//i.test(u || '') || /^\/sim\/media\//.test(u || '') ? u : '';
  }

  function status(msg, info) {
    var s = $('status');
    s.textContent = msg || '';
    s.className = 'status' + (info ? ' info' : '');
  }

  // apiURL returns the URL of a control-API path for the selected account.
  function apiURL(path) {
    if (!ns.account) return path;
    return path + (path.indexOf('?') < 0 ? '?' : '&') + 'account=' + encodeURIComponent(ns.account);
  }
  ns.url = apiURL;

  // savedKey is where the selected follower of the account is remembered.
  function savedKey() { return 'wxsim.openid' + (ns.account ? '.' + ns.account : ''); }

  function api(method, path, body) {
    var opts = { method: method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    return fetch(apiURL(path), opts).then(function (r) {
      return r.text().then(function (t) {
        var data = null;
        try { data = t ? JSON.parse(t) : null; } catch (e) { data = { error: t }; }
        return { ok: r.ok, status: r.status, data: data };
      });
    });
  }

  function userPath(u) { return '/sim/api/followers/' + encodeURIComponent(u); }

  // ---- followers ---------------------------------------------------------

  function loadFollowers() {
    return api('GET', '/sim/api/followers').then(function (r) {
      if (!r.ok) return;
      var sel = $('follower-select');
      while (sel.options.length > 1) sel.remove(1);
      r.data.forEach(function (f) {
        var o = el('option', '', f.name + (f.following ? '' : ' (未关注)'));
        o.value = f.openid;
        if (f.openid === state.openid) o.selected = true;
        sel.appendChild(o);
      });
    });
  }

  function showFollower(f) {
    state.following = !!f.following;
    $('current-name').textContent = f.name;
    $('openid').textContent = f.openid;
    $('follow-state').textContent = f.following ? '已关注 following' : '未关注 not following';
    document.body.setAttribute('data-openid', f.openid);
  }

  function selectFollower(f) {
    var changed = f.openid !== state.openid;
    state.openid = f.openid;
    state.name = f.name;
    try { localStorage.setItem(savedKey(), f.openid); } catch (e) { /* private mode */ }
    showFollower(f);
    if (changed) {
      state.lastSeq = 0;
      state.stick = true;
      state.autoTop = 0;
      state.lastPush = null;
      var chat = $('chat');
      while (chat.firstChild) chat.removeChild(chat.firstChild);
      openStream();
    }
    loadMenu();
    return loadFollowers();
  }

  function refreshFollower() {
    if (!state.openid) return Promise.resolve();
    return api('GET', userPath(state.openid)).then(function (r) { if (r.ok) showFollower(r.data); });
  }

  // ensureFollower returns the follower named in #follower-name (created on
  // demand), else the selected one.
  function ensureFollower() {
    var name = $('follower-name').value.trim();
    if (!name) {
      if (state.openid) return Promise.resolve({ openid: state.openid, name: state.name });
      status('请输入用户昵称 enter a follower name first');
      return Promise.reject(null);
    }
    return api('POST', '/sim/api/followers', { name: name }).then(function (r) {
      if (!r.ok) { status(r.data && r.data.error || 'creating the follower failed'); throw null; }
      $('follower-name').value = '';
      return selectFollower(r.data).then(function () { return r.data; });
    });
  }

  // act performs a follower action; errors other than a rejected bot reply
  // (shown in the chat as WeChat does) go to the status line.
  function act(action, body) {
    if (!state.openid) { status('先选择或创建用户 pick or create a follower first'); return Promise.resolve(null); }
    return api('POST', userPath(state.openid) + '/' + action, body || {}).then(function (r) {
      if (r.ok) {
        status(r.data && r.data.warning ? r.data.warning : '', !!(r.data && r.data.warning));
      } else if (r.status === 502) {
        status('');
      } else {
        var msg = r.data && r.data.error || ('HTTP ' + r.status);
        if (r.data && r.data.code === 'not_following') msg = '请先关注公众号 follow the account first';
        status(msg);
      }
      if (r.data && r.data.openid) showFollower(r.data);
      return r;
    });
  }

  function follow() {
    ensureFollower().then(function () {
      if (state.following) { status('已关注 already following', true); return; }
      var scene = $('scene-input').value.trim();
      return act('follow', scene ? { scene: scene } : {}).then(loadFollowers);
    }).catch(function () {});
  }

  function scan() {
    var scene = $('scene-input').value.trim();
    if (!scene) { status('请输入场景值 enter a QR scene or ticket'); return; }
    ensureFollower().then(function () {
      return act('scan', /^gQ|=/.test(scene) && scene.length > 40 ? { ticket: scene } : { scene: scene });
    }).then(loadFollowers).catch(function () {});
  }

  function unfollow() {
    act('unfollow').then(loadFollowers);
  }

  // ---- messages ----------------------------------------------------------

  function send() {
    var input = $('message-input');
    var text = input.value;
    if (!text.trim()) return;
    act('text', { content: text }).then(function (r) {
      if (r && (r.ok || r.status === 502)) input.value = '';
    });
  }

  function sendImage() { act('image', {}); }

  // The location is entered in fields (#location-form), not a prompt().
  function toggleLocation() {
    var f = $('location-form');
    f.hidden = !f.hidden;
    if (!f.hidden) $('location-label').focus();
  }

  function sendLocation() {
    var lat = parseFloat($('location-lat').value), lng = parseFloat($('location-lng').value);
    if (isNaN(lat) || lat < -90 || lat > 90 || isNaN(lng) || lng < -180 || lng > 180) {
      status('纬度 -90..90, 经度 -180..180 latitude and longitude, e.g. 39.9087 and 116.3975');
      return;
    }
    act('location', { lat: lat, lng: lng, scale: 15, label: $('location-label').value.trim() }).then(function (r) {
      if (r && (r.ok || r.status === 502)) $('location-form').hidden = true;
    });
  }

  // ---- menu --------------------------------------------------------------

  function loadMenu() {
    var q = state.openid ? '?user=' + encodeURIComponent(state.openid) : '';
    return api('GET', '/sim/api/menu' + q).then(function (r) {
      if (r.ok) renderMenu(r.data.button || []);
    });
  }

  function closeSubmenus() {
    var open = document.querySelectorAll('.submenu.open');
    for (var i = 0; i < open.length; i++) open[i].classList.remove('open');
  }

  function menuButton(b, cls) {
    var btn = el('button', cls, b.name);
    btn.type = 'button';
    btn.setAttribute('data-type', b.type || '');
    if (b.key) btn.setAttribute('data-key', b.key);
    if (b.url) btn.setAttribute('data-url', b.url);
    btn.addEventListener('click', function (e) {
      e.stopPropagation();
      closeSubmenus();
      tapButton(b);
    });
    return btn;
  }

  function renderMenu(buttons) {
    var nav = $('menu');
    while (nav.firstChild) nav.removeChild(nav.firstChild);
    buttons.forEach(function (b) {
      var item = el('div', 'menu-item');
      if (b.sub_button && b.sub_button.length) {
        var parent = el('button', 'menu-parent', b.name);
        parent.type = 'button';
        var sub = el('div', 'submenu');
        b.sub_button.forEach(function (sb) { sub.appendChild(menuButton(sb, 'menu-button')); });
        parent.addEventListener('click', function (e) {
          e.stopPropagation();
          var wasOpen = sub.classList.contains('open');
          closeSubmenus();
          if (!wasOpen) sub.classList.add('open');
        });
        item.appendChild(sub);
        item.appendChild(parent);
      } else {
        item.appendChild(menuButton(b, 'menu-button'));
      }
      nav.appendChild(item);
    });
  }

  function tapButton(b) {
    switch (b.type) {
      case 'click':
        act('click', { key: b.key });
        break;
      case 'view':
        // WeChat pushes the VIEW event and opens the page in its browser;
        // OAuth pages of the simulator then act as this follower (cookie).
        act('view', { url: b.url }).then(function () {
          var u = safeURL(b.url);
          if (u) window.location.href = u;
        });
        break;
      case 'miniprogram':
        if (safeURL(b.url)) { window.location.href = b.url; } else { status('mini programs are not simulated'); }
        break;
      default:
        status('菜单类型 ' + b.type + ' is not simulated by wxsim');
    }
  }

  // ---- the conversation --------------------------------------------------

  function openStream() {
    if (state.es) { state.es.close(); state.es = null; }
    if (!state.openid || !window.EventSource) return;
    var es = new EventSource(apiURL('/sim/api/events?user=' + encodeURIComponent(state.openid) + '&since=' + state.lastSeq));
    es.addEventListener('item', function (e) {
      var it;
      try { it = JSON.parse(e.data); } catch (err) { return; }
      if (it.seq <= state.lastSeq) return;
      state.lastSeq = it.seq;
      render(it);
    });
    state.es = es;
  }

  function row(side, avatarText) {
    var r = el('div', 'row ' + side);
    r.appendChild(el('div', 'avatar', avatarText));
    var c = el('div', 'content');
    r.appendChild(c);
    return { row: r, content: c };
  }

  // scrollToEnd keeps the newest message in view while the reader is at the
  // bottom (always after a reload), also when images load later and grow
  // the conversation.
  function scrollToEnd() {
    if (!state.stick) return;
    var chat = $('chat');
    chat.scrollTop = chat.scrollHeight;
    state.autoTop = chat.scrollTop;
  }

  // Any later growth of a message (an image, a web font) keeps the end in
  // view too.
  var grow = window.ResizeObserver ? new ResizeObserver(function () { scrollToEnd(); }) : null;

  function image(src, alt) {
    var img = el('img');
    img.addEventListener('load', scrollToEnd);
    img.src = src;
    img.alt = alt;
    return img;
  }

  // markNoReply shows that the push before got no passive reply.
  function markNoReply() {
    var n = state.lastPush;
    state.lastPush = null;
    if (!n) return;
    var target = n.querySelector('.content') || n;
    target.appendChild(el(n.querySelector('.content') ? 'div' : 'span', 'no-reply', '未回复 no reply'));
  }

  function render(it) {
    var chat = $('chat');
    var hint = $('empty-hint');
    if (hint) hint.remove();
    var node;
    if (it.from === 'user') {
      var u = row('right', (state.name || '我').slice(0, 1));
      var ub = el('div', 'bubble from-user');
      if (it.image_url && safeURL(it.image_url)) {
        ub.appendChild(image(it.image_url, it.text || '[图片]'));
      } else {
        ub.textContent = it.text || '';
      }
      u.content.appendChild(ub);
      node = u.row;
      state.lastPush = node;
    } else if (it.from === 'bot') {
      node = renderBot(it);
      state.lastPush = null;
    } else if (it.kind === 'no_reply') {
      markNoReply();
      node = el('div', 'system quiet', it.text || '');
    } else {
      node = el('div', 'system' + (it.kind === 'reply_error' ? ' error' : '') + (it.quiet ? ' quiet' : ''), it.text || '');
      if (it.kind === 'menu') loadMenu();
      if (it.kind === 'event') { refreshFollower(); state.lastPush = node; }
      if (it.kind === 'reply_error') state.lastPush = null;
    }
    node.setAttribute('data-seq', it.seq);
    chat.appendChild(node);
    if (grow) grow.observe(node);
    scrollToEnd();
  }

  function renderBot(it) {
    var r = row('left', '公');
    var label = kindLabels[it.kind];
    if (label) r.content.appendChild(el('div', 'meta', label));
    if (it.template) {
      r.content.appendChild(templateCard(it.template));
    } else if (it.articles && it.articles.length) {
      r.content.appendChild(newsCard(it.articles));
    } else {
      var b = el('div', 'bubble from-bot' + (it.kind === 'error' ? ' error' : ''));
      if (it.image_url && safeURL(it.image_url)) {
        b.appendChild(image(it.image_url, it.text || '[图片]'));
      } else {
        b.textContent = it.text || '';
      }
      r.content.appendChild(b);
    }
    return r.row;
  }

  function templateCard(t) {
    var card = el('div', 'card template');
    var lines = (t.content || '').split('\n');
    card.appendChild(el('div', 'card-title', lines[0] || '模板消息'));
    card.appendChild(el('div', 'card-sub', '模板 ' + t.template_id));
    card.appendChild(el('pre', 'card-body', lines.slice(1).join('\n')));
    if (safeURL(t.url)) {
      var a = el('a', 'card-link', '详情 details');
      a.href = t.url;
      card.appendChild(a);
    }
    return card;
  }

  function newsCard(articles) {
    var card = el('div', 'card news');
    articles.forEach(function (a) {
      var item = el(safeURL(a.url) ? 'a' : 'div', 'news-item');
      if (safeURL(a.url)) item.href = a.url;
      if (safeURL(a.pic_url)) item.appendChild(image(a.pic_url, ''));
      item.appendChild(el('div', 'card-title', a.title || ''));
      if (a.description) item.appendChild(el('div', 'news-desc', a.description));
      card.appendChild(item);
    });
    return card;
  }

  // ---- start -------------------------------------------------------------

  function init() {
    $('follow').addEventListener('click', follow);
    $('scan').addEventListener('click', scan);
    $('unfollow').addEventListener('click', unfollow);
    $('send').addEventListener('click', send);
    $('send-image').addEventListener('click', sendImage);
    $('send-location').addEventListener('click', toggleLocation);
    $('location-send').addEventListener('click', sendLocation);
    $('location-cancel').addEventListener('click', function () { $('location-form').hidden = true; });
    $('location-label').addEventListener('keydown', function (e) { if (e.key === 'Enter') sendLocation(); });
    // Only the reader scrolling up unsticks: content growing below (a late
    // image, a new message) after our own scroll must not.
    $('chat').addEventListener('scroll', function () {
      var c = $('chat');
      if (c.scrollHeight - c.scrollTop - c.clientHeight < 40) {
        state.stick = true;
      } else if (c.scrollTop < state.autoTop - 2) {
        state.stick = false;
      }
    });
    $('message-input').addEventListener('keydown', function (e) { if (e.key === 'Enter') send(); });
    $('follower-name').addEventListener('keydown', function (e) { if (e.key === 'Enter') follow(); });
    $('setup-toggle').addEventListener('click', function () { $('setup').classList.toggle('collapsed'); });
    $('follower-select').addEventListener('focus', loadFollowers);
    $('follower-select').addEventListener('change', function () {
      var id = this.value;
      if (!id) return;
      api('GET', userPath(id)).then(function (r) { if (r.ok) selectFollower(r.data); });
    });
    document.addEventListener('click', closeSubmenus);
    start();
  }

  // start loads the selected account's facts, its remembered follower (and
  // their conversation), its menu and its followers.
  function start() {
    var account = ns.account; // answers for an account left since are dropped
    api('GET', '/sim/api/info').then(function (r) {
      if (!r.ok || account !== ns.account) return;
      $('account-name').textContent = '公众号 ' + r.data.original_id;
      $('callback').textContent = r.data.callback_url
        ? '推送到 pushing to ' + r.data.callback_url + (r.data.safe_mode ? ' (安全模式)' : ' (明文)')
        : '未设置服务器地址 no callback URL: start wxsim with --forward-to' +
          (ns.account ? ', or run wxsim callback --account ' + ns.account + ' URL' : '');
    });
    var saved = '';
    try { saved = localStorage.getItem(savedKey()) || ''; } catch (e) { /* private mode */ }
    if (saved) {
      api('GET', userPath(saved)).then(function (r) {
        if (account !== ns.account) return;
        if (r.ok) { selectFollower(r.data); } else { loadMenu(); loadFollowers(); }
      });
    } else {
      loadMenu();
      loadFollowers();
    }
  }

  // reload starts the page over for the account now in ns.account: no
  // follower selected, an empty conversation, then start.
  ns.reload = function () {
    if (state.es) { state.es.close(); state.es = null; }
    state.openid = '';
    state.name = '';
    state.following = false;
    state.lastSeq = 0;
    state.stick = true;
    state.autoTop = 0;
    state.lastPush = null;
    var chat = $('chat');
    while (chat.firstChild) chat.removeChild(chat.firstChild);
    chat.appendChild(el('div', 'system hint', 'Pick or create a follower above, tap 关注 Follow, then chat with the account.')).id = 'empty-hint';
    $('current-name').textContent = '—';
    $('openid').textContent = '';
    $('follow-state').textContent = '';
    document.body.removeAttribute('data-openid');
    status('');
    start();
  };

  init();
})();

// The account switcher of the chat page, for a simulator hosting several
// Official Accounts (wxsim --accounts N): a <select id="account"> in the
// header lists them (GET /sim/api/info); choosing one makes every request
// of the page name it (account=APPID, through window.wxsim.url of app.js)
// and starts the page over for it (window.wxsim.reload). The choice is kept
// in the URL (?account=APPID) and in localStorage, so it survives a reload.
// With one account the switcher stays hidden. Loaded before app.js, so that
// the page's first requests already name the remembered account.
(function () {
  'use strict';

  var ns = window.wxsim = window.wxsim || {};
  var storeKey = 'wxsim.account';

  function fromURL() {
    var m = /[?&]account=([^&#]*)/.exec(window.location.search);
    return m ? decodeURIComponent(m[1].replace(/\+/g, ' ')) : null;
  }

  function remembered() {
    var v = fromURL();
    if (v !== null) return v;
    try { return localStorage.getItem(storeKey) || ''; } catch (e) { return ''; }
  }

  // ns.account is '' for the first account (the control API's default),
  // else the selected appid.
  ns.account = remembered();

  // keep records the choice in the URL and in localStorage.
  function keep(appid) {
    try { localStorage.setItem(storeKey, appid); } catch (e) { /* private mode */ }
    if (!window.history || !window.history.replaceState) return;
    var q = window.location.search.replace(/^\?/, '').split('&').filter(function (p) {
      return p && p.indexOf('account=') !== 0;
    });
    if (appid) q.push('account=' + encodeURIComponent(appid));
    window.history.replaceState(null, '', window.location.pathname + (q.length ? '?' + q.join('&') : '') + window.location.hash);
  }

  // choose switches the page to an account ('' = the first).
  function choose(appid) {
    var changed = appid !== ns.account;
    ns.account = appid;
    keep(appid);
    if (!changed) return;
    if (ns.reload) ns.reload();
    var ev;
    try { ev = new CustomEvent('wxsim:account', { detail: { appid: appid } }); } catch (e) { return; }
    document.dispatchEvent(ev);
  }

  var css = '.topbar #account{max-width:210px;margin-left:6px;padding:2px 4px;border:1px solid #ccc;border-radius:4px;' +
    'background:#f7f7f7;font-size:12px;font-weight:400}.topbar #account[hidden]{display:none}' +
    '.topbar.accounts #account-name{display:none}';
  var style = document.createElement('style');
  style.textContent = css;
  document.head.appendChild(style);

  var sel = document.createElement('select');
  sel.id = 'account';
  sel.title = '公众号 account';
  sel.hidden = true;

  function label(a, i) {
    return (i + 1) + '. ' + a.original_id + (a.component_authorized ? ' · 已授权第三方' : '');
  }

  function render(list) {
    var first = list.length ? list[0].appid : '';
    var current = ns.account || first;
    var known = list.some(function (a) { return a.appid === current; });
    if (!known || current === first) {
      choose(''); // a stale choice (fewer accounts now) or the first: the default
      current = first;
    } else {
      keep(current);
    }
    while (sel.firstChild) sel.removeChild(sel.firstChild);
    list.forEach(function (a, i) {
      var o = document.createElement('option');
      o.value = a.appid;
      o.textContent = label(a, i);
      o.title = a.appid;
      if (a.appid === current) o.selected = true;
      sel.appendChild(o);
    });
    var bar = sel.parentNode;
    sel.hidden = list.length < 2;
    if (bar) bar.classList.toggle('accounts', list.length > 1);
    sel.onchange = function () { choose(sel.value === first ? '' : sel.value); };
  }

  function load() {
    return fetch('/sim/api/info', { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (info) { if (info) render(info.accounts || []); })
      .catch(function () {});
  }

  function init() {
    var bar = document.querySelector('.topbar');
    var name = document.getElementById('account-name');
    if (!bar) return;
    if (name && name.nextSibling) { bar.insertBefore(sel, name.nextSibling); } else { bar.appendChild(sel); }
    load();
  }

  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', init); } else { init(); }
})();

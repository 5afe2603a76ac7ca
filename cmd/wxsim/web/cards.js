// The card wallet (卡包) of the chat page: the current follower's member
// cards (number, points, balance) and coupons (their state), claiming from a
// card QR code, and the member-card activation form. It follows the
// follower app.js shows (body[data-openid]) and polls the control API.
(function () {
  'use strict';

  var colors = { Color010: '#63b359', Color020: '#2c9f67', Color030: '#509fc9', Color040: '#5885cf', Color050: '#9062c0',
    Color060: '#d09a45', Color070: '#e4b138', Color080: '#ee903c', Color081: '#f08500', Color082: '#a9d92d',
    Color090: '#dd6549', Color100: '#cc463d', Color101: '#cf3e36', Color102: '#5e6671' };
  var statusText = { NORMAL: '可用 usable', CONSUMED: '已核销 used', UNAVAILABLE: '已失效 void', GIFTING: '转赠中 gifting', EXPIRE: '已过期 expired' };
  var openid = '';
  var timer = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function url(p) { return window.wxsim && window.wxsim.url ? window.wxsim.url(p) : p; } // the selected account (accounts.js)

  function call(method, path, body) {
    var opts = { method: method, headers: { 'Accept': 'application/json' } };
    if (body) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
    return fetch(url(path), opts).then(function (r) {
      return r.json().then(function (d) { return { ok: r.ok, data: d }; }, function () { return { ok: r.ok, data: {} }; });
    });
  }

  function say(msg) { var s = document.getElementById('wallet-status'); if (s) s.textContent = msg || ''; }

  function base() { return '/sim/api/followers/' + encodeURIComponent(openid) + '/cards'; }

  function money(fen) { return '¥' + (fen / 100).toFixed(2); }

  function render(list) {
    var box = document.getElementById('wallet-list');
    if (!box) return;
    while (box.firstChild) box.removeChild(box.firstChild);
    if (!list.length) { box.appendChild(el('div', 'wallet-empty', '卡包是空的 no cards yet')); return; }
    list.forEach(function (c) {
      var member = c.card_type === 'MEMBER_CARD';
      var card = el('div', 'wallet-card ' + (member ? 'member' : 'coupon') + (c.status !== 'NORMAL' ? ' used' : ''));
      card.setAttribute('data-code', c.code);
      card.style.background = colors[c.color] || '#63b359';
      card.appendChild(el('div', 'wallet-brand', c.brand_name));
      card.appendChild(el('div', 'wallet-title', c.title));
      if (member) {
        if (c.activated) {
          card.appendChild(el('div', 'wallet-number', 'No. ' + c.membership_number));
          card.appendChild(el('div', 'wallet-points', '积分 ' + c.bonus + ' · 余额 ' + money(c.balance)));
        } else {
          var act = el('button', 'wallet-activate', '激活 Activate');
          act.type = 'button';
          act.addEventListener('click', function () {
            var mobile = window.prompt('手机号 mobile', '13800000000');
            if (mobile === null) return;
            action('activate', { code: c.code, fields: { USER_FORM_INFO_FLAG_MOBILE: mobile } });
          });
          card.appendChild(act);
        }
      } else {
        card.appendChild(el('div', 'wallet-state', statusText[c.status] || c.status));
      }
      if (c.pay_cell && c.status === 'NORMAL') card.appendChild(payButton(c));
      card.appendChild(el('div', 'wallet-code', c.code));
      box.appendChild(card);
    });
  }

  // payButton is the 买单 cell of a card whose pay cell is open: the
  // follower pays an amount (yuan) and the bot gets user_pay_from_pay_cell;
  // its passive reply shows in the chat.
  function payButton(c) {
    var pay = el('button', 'wallet-pay', '买单 Pay');
    pay.type = 'button';
    pay.addEventListener('click', function () {
      var yuan = window.prompt('金额 amount (¥)', '18.00');
      if (yuan === null) return;
      var fee = Math.round(parseFloat(yuan) * 100);
      if (!(fee > 0)) { say('金额无效 invalid amount'); return; }
      call('POST', base() + '/paycell', { code: c.code, fee: fee }).then(function (r) {
        if (!r.ok) { say((r.data && r.data.error) || 'failed'); return; }
        say(r.data.warning || ('已支付 paid ' + money(fee) + ' · ' + r.data.trans_id));
      });
    });
    return pay;
  }

  function refresh() {
    if (!openid) { render([]); return Promise.resolve(); }
    return call('GET', base()).then(function (r) { if (r.ok) render(r.data); });
  }

  function action(name, body) {
    if (!openid) { say('先选择用户 pick a follower first'); return Promise.resolve(); }
    return call('POST', base() + '/' + name, body).then(function (r) {
      if (!r.ok) { say((r.data && r.data.error) || 'failed'); return; }
      say(r.data.warning || '');
      render(r.data.wallet || []);
    });
  }

  function build() {
    var top = document.querySelector('.topbar');
    var toggle = el('button', 'wallet-toggle', '卡包');
    toggle.id = 'wallet-toggle';
    toggle.type = 'button';
    toggle.title = 'card wallet / 卡包';
    top.appendChild(toggle);
    var panel = el('section', 'wallet collapsed');
    panel.id = 'wallet';
    var row = el('div', 'wallet-row');
    var input = el('input');
    input.id = 'card-ticket';
    input.placeholder = '卡券二维码 card QR ticket';
    input.autocomplete = 'off';
    var claim = el('button', '', '领取 Claim');
    claim.id = 'card-claim';
    claim.type = 'button';
    row.appendChild(input);
    row.appendChild(claim);
    panel.appendChild(row);
    var st = el('div', 'wallet-status');
    st.id = 'wallet-status';
    panel.appendChild(st);
    var list = el('div', 'wallet-list');
    list.id = 'wallet-list';
    panel.appendChild(list);
    top.parentNode.insertBefore(panel, top.nextSibling);

    toggle.addEventListener('click', function () {
      panel.classList.toggle('collapsed');
      if (!panel.classList.contains('collapsed')) refresh();
    });
    claim.addEventListener('click', function () {
      var t = input.value.trim();
      if (!t) { say('输入卡券二维码 enter a card QR ticket'); return; }
      action('claim', { ticket: t }).then(function () { input.value = ''; });
    });
    new MutationObserver(function () {
      var id = document.body.getAttribute('data-openid') || '';
      if (id !== openid) { openid = id; refresh(); }
    }).observe(document.body, { attributes: true, attributeFilter: ['data-openid'] });
    openid = document.body.getAttribute('data-openid') || '';
    timer = setInterval(function () { if (!panel.classList.contains('collapsed')) refresh(); }, 1000);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', build); else build();
})();

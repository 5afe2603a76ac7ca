// WeChat Pay, part two, in the chat page: transfers waiting for the
// follower's confirmation (商家转账 确认收款) and complaints about a paid order
// (投诉). It only reads the current openid from the page (#openid).
(function () {
  'use strict';
  function $(id) { return document.getElementById(id); }
  function openid() { var e = $('openid'); return e ? e.textContent.trim() : ''; }
  function say(msg) { var s = $('status'); if (s) { s.textContent = msg; } }
  function url(p) { return window.wxsim && window.wxsim.url ? window.wxsim.url(p) : p; } // the selected account (accounts.js)
  function call(method, path, body) {
    var opts = { method: method, headers: { 'Accept': 'application/json' } };
    if (body) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
    return fetch(url(path), opts).then(function (r) {
      return r.json().then(function (d) { return { ok: r.ok, data: d }; }, function () { return { ok: r.ok, data: {} }; });
    });
  }
  function button(text, title, onClick) {
    var b = document.createElement('button');
    b.type = 'button'; b.textContent = text; b.title = title;
    b.addEventListener('click', onClick);
    return b;
  }
  var list = document.createElement('div');
  list.className = 'pay2-transfers';

  function showTransfers() {
    var u = openid();
    if (!u) { say('pick a follower first / 请先选择用户'); return; }
    call('GET', '/sim/api/pay/transfers?user=' + encodeURIComponent(u)).then(function (r) {
      list.textContent = '';
      if (!r.ok) { say(r.data.error || 'transfers unavailable'); return; }
      if (!r.data.data.length) { say('没有待确认的转账 no transfer waits for you'); return; }
      r.data.data.forEach(function (t) {
        var row = document.createElement('div');
        row.className = 'system';
        row.textContent = '商家转账 ¥' + (t.transfer_amount / 100).toFixed(2) + ' · ' + t.transfer_remark + ' ';
        ['confirm', 'decline'].forEach(function (action) {
          row.appendChild(button(action === 'confirm' ? '确认收款' : '拒收', action, function () {
            call('POST', '/sim/api/pay/transfers/confirm', { user: u, out_bill_no: t.out_bill_no, action: action }).then(function (r2) {
              say(r2.ok ? ('转账 ' + t.out_bill_no + ': ' + r2.data.state) : (r2.data.error || 'failed'));
              row.remove();
            });
          }));
        });
        list.appendChild(row);
      });
    });
  }

  function complain() {
    var u = openid();
    if (!u) { say('pick a follower first / 请先选择用户'); return; }
    var no = window.prompt('投诉哪笔订单？ out_trade_no of a paid order');
    if (!no) return;
    var text = window.prompt('投诉内容 complaint', '商品与描述不符');
    if (!text) return;
    call('POST', '/sim/api/pay/complaints', { user: u, out_trade_no: no, detail: text, image: true }).then(function (r) {
      say(r.ok ? ('已投诉 complaint ' + r.data.complaint_id) : (r.data.error || 'failed'));
    });
  }

  function init() {
    var bottom = document.querySelector('footer.bottom');
    if (!bottom) return;
    var bar = document.createElement('div');
    bar.className = 'composer pay2-bar';
    bar.appendChild(button('收款', 'transfers waiting for confirmation / 待确认的商家转账', showTransfers));
    bar.appendChild(button('投诉', 'complain about a paid order / 投诉订单', complain));
    bottom.insertBefore(list, bottom.firstChild);
    bottom.insertBefore(bar, bottom.firstChild);
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', init); } else { init(); }
})();

// Package paysim is a local WeChat Pay API v3 (and legacy API v2) platform
// simulator (微信支付 APIv3 / V2 模拟平台). It lets programs and tests run WeChat Pay end to end — place an
// order, "pay" it as a simulated user, receive the signed and encrypted payment
// notification, refund, download bills — with no merchant account and no
// network access beyond 127.0.0.1.
//
// The simulator speaks the API v3 wire protocol as the official documentation
// describes it:
//
//   - every request must carry an Authorization header of the scheme
//     WECHATPAY2-SHA256-RSA2048 (签名认证); the RSA-SHA256 signature over
//     "METHOD\nURI\ntimestamp\nnonce\nbody\n" is verified with the merchant's
//     public key and timestamps off by five minutes or more are refused with
//     401 SIGN_ERROR;
//   - every response except a bill download is signed (应答签名) with the
//     Wechatpay-Timestamp, Wechatpay-Nonce, Wechatpay-Signature and
//     Wechatpay-Serial headers, either by the platform certificate (平台证书,
//     served encrypted by GET /v3/certificates) or by the WeChat Pay public key
//     (微信支付公钥, identified by a PUB_KEY_ID_ serial), as [Options.Mode]
//     selects;
//   - errors are JSON objects {"code","message"} with the documented HTTP
//     statuses and codes (PARAM_ERROR, SIGN_ERROR, OUT_TRADE_NO_USED,
//     ORDER_NOT_EXIST, ORDER_CLOSED, RESOURCE_NOT_EXISTS, ...).
//
// Endpoints served by [Platform.Handler]:
//
//	POST /v3/pay/transactions/{jsapi|app|h5|native}             下单 (JSAPI/APP/H5/Native)
//	GET  /v3/pay/transactions/id/{transaction_id}?mchid=         微信支付订单号查询订单
//	GET  /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid= 商户订单号查询订单
//	POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close  关闭订单
//	POST /v3/refund/domestic/refunds                             退款申请
//	GET  /v3/refund/domestic/refunds/{out_refund_no}             查询单笔退款
//	POST /v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund 发起异常退款
//	GET  /v3/bill/tradebill                                      申请交易账单
//	GET  /v3/bill/fundflowbill                                   申请资金账单
//	GET  /v3/billdownload/file?token=                            下载账单 (unsigned)
//	GET  /v3/certificates                                        下载平台证书
//	GET  /sim/pay?prepay_id=   and   POST /sim/pay               simulated checkout
//
// and the merchant APIs of part two:
//
//	POST /v3/pay/transactions/codepay                            付款码支付
//	POST /v3/pay/transactions/out-trade-no/{out_trade_no}/reverse 撤销订单
//	POST /v3/fund-app/mch-transfer/transfer-bills                发起转账 (商家转账)
//	GET  /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}        商户单号查询转账单
//	GET  /v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/{transfer_bill_no} 微信单号查询转账单
//	POST /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}/cancel 撤销转账
//	POST /v3/merchant/media/upload, /v3/merchant/media/video_upload 图片/视频上传
//	POST /v3/merchant-service/images/upload                      商户上传反馈图片
//	GET  /v3/merchant-service/images/{media_id}                  图片请求 (unsigned bytes)
//	GET  /v3/merchant-service/complaints-v2[/{id}[/negotiation-historys]] 投诉单列表/详情/协商历史
//	POST /v3/merchant-service/complaints-v2/{id}/response|complete|update-refund-progress
//	POST|GET|PUT|DELETE /v3/merchant-service/complaint-notifications 投诉通知回调地址
//	POST /v3/profitsharing/receivers/add|delete                  添加/删除分账接收方
//	POST /v3/profitsharing/orders, GET /v3/profitsharing/orders/{out_order_no} 请求分账/查询分账结果
//	POST /v3/profitsharing/orders/unfreeze                       解冻剩余资金
//	POST /v3/profitsharing/return-orders, GET .../{out_return_no} 请求分账回退/查询回退结果
//	GET  /v3/profitsharing/transactions/{transaction_id}/amounts 查询剩余待分金额
//	GET  /v3/profitsharing/bills                                 申请分账账单
//
// Transfers wait in WAIT_USER_CONFIRM until the simulated payee confirms or
// declines ([Platform.ConfirmTransfer], POST /sim/transfer/confirm), then
// MCHTRANSFER.BILL.FINISHED goes to the bill's notify_url. Complaints are
// filed by a paying user ([Platform.FileComplaint], POST /sim/complaint) and
// notified (COMPLAINT.CREATE / COMPLAINT.STATE_CHANGE) to the URL set with
// complaint-notifications; payer_phone is encrypted with the merchant's key.
// v3 付款码支付 follows the same auth_code last digits as API v2 below, with
// 202 USERPAYING and, for a password, a payment after
// [Options.MicropayUserPayingQueries] 查询订单 calls, unless
// [Platform.SetCodepayOutcome] chooses the outcome. Profit sharing finishes at
// once, keeps to the default 30% ratio, and sends PROFITSHARING.SUCCESS to the
// paid order's notify_url (standing in for the URL set on the merchant
// platform).
//
// The simulated payer is [Platform.Pay] (or POST /sim/pay from a browser): it
// marks the order paid and delivers the TRANSACTION.SUCCESS notification
// (支付成功回调通知) to the order's notify_url, encrypted with AEAD_AES_256_GCM under
// the merchant's APIv3 key and signed by the platform. A delivery counts as
// acknowledged on HTTP 200 or 204; otherwise it is retried on the documented
// schedule (15s, 15s, 30s, 3m, 10m, ...), which [Options.NotifyRetryDelays]
// shortens for tests. [Platform.Notifications] records every attempt.
//
// Refunds move from PROCESSING to SUCCESS after [Options.RefundDelay] and send
// a REFUND.SUCCESS notification (退款结果通知).
//
// Probes for SDK verifiers: [Options.SignTestProbe] answers with a
// "WECHATPAY/SIGNTEST/" signature (签名探测), [Options.StaleTimestamp] signs
// with a timestamp ten minutes old and [Options.UnknownSerial] names a serial
// the client cannot know; [Platform.SetProbes] flips them at run time.
//
// # API v2 (legacy XML)
//
// The same handler speaks WeChat Pay API v2 for merchants that have a
// [Merchant.APIKey] (API密钥, filled by [NewTestMerchant]):
//
//	POST /pay/unifiedorder      统一下单 (JSAPI, NATIVE, APP, MWEB)
//	POST /pay/orderquery        查询订单
//	POST /pay/closeorder        关闭订单
//	POST /secapi/pay/refund     申请退款
//	POST /pay/refundquery       查询退款
//	POST /pay/downloadbill      下载交易账单 (text, or gzip with tar_type=GZIP)
//	POST /pay/micropay          付款码支付
//	POST /secapi/pay/reverse    撤销订单
//
// Requests and answers are flat <xml> documents. The request's sign is
// verified over ALL received fields with MD5, or HMAC-SHA256 when sign_type
// says so ([SignV2]); a bad one is answered return_code FAIL, return_msg
// 签名错误. Answers are signed the same way and business failures carry
// result_code FAIL with the documented err_code (ORDERPAID, ORDERCLOSED,
// ORDERNOTEXIST, OUT_TRADE_NO_USED, USERPAYING, NOTENOUGH, AUTHCODEEXPIRE,
// AUTH_CODE_INVALID, REFUNDNOTEXIST, ...). The /secapi endpoints need the
// merchant's TLS client certificate in production; the simulator serves plain
// HTTP and accepts them without one.
//
// v2 orders share the order store with v3: [Platform.Pay] pays them and sends
// the signed XML 支付结果通知, acknowledged by return_code SUCCESS and retried
// otherwise; refunds send the 退款结果通知 whose req_info is encrypted with
// AES-256-ECB under the MD5 of the API key ([DecryptV2ReqInfo]). 付款码支付 is
// steered by the last digit of a well-formed auth_code (18 digits starting
// with 10 to 15): 0 pays at once, 1 answers USERPAYING and is paid after
// [Options.MicropayUserPayingQueries] queries, 2 stays USERPAYING until
// reversed, 3 fails with NOTENOUGH, 4 with AUTHCODEEXPIRE, others with
// AUTH_CODE_INVALID.
//
// The package uses the standard library only. [NewTestMerchant] creates a
// merchant (RSA-2048 key, serial, APIv3 key) for tests and demo programs, and
// [TestMerchant.SignRequest] signs requests the way a merchant must.
package paysim

// Package token keeps WeChat credentials that expire: the access_token
// (获取接口调用凭据, stable_token / token) and, through the same machinery, the
// JS-SDK jsapi_ticket.
//
// A [Source] caches one credential and refreshes it before it expires, so
// that in steady state no caller ever waits on the network:
//
//   - The fast path ([Source.Token]) is a lock-free atomic read: no
//     allocation, no lock, no network.
//   - Callers that find the cache empty or expired share one upstream request
//     (single-flight): 10,000 goroutines on a cold cache cause one fetch.
//   - Inside the last part of a token's life, one background refresh starts
//     while callers keep getting the current value.
//   - [Source.Invalidate] refreshes only if the rejected value is still the
//     cached one, so a burst of 40001 answers causes a single refresh.
//   - A failed refresh keeps serving the old value while it is still valid;
//     an empty token is never returned.
//
// A [Store] shares the credential between Sources and between processes. The
// in-memory [MemoryStore] is the default; package redisstore provides one on
// Redis. Several processes sharing a store fetch once per expiry window: the
// refresher takes a lease lock (released by compare-and-delete), the others
// poll the store until the new value appears. When the store fails (Redis
// down), the Source logs the failure and keeps working from memory.
//
// Token values never appear in errors, logs or String output.
package token

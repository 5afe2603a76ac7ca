// Package redisstore provides Redis implementations of the stores of
// package message, for callback servers that run as several processes:
// DedupStore (消息排重 across processes: SET key NX PX) and FlowStore (the
// state of multi-step conversations, JSON under one key per user with a
// TTL, plus a per-user lock with an owner token so that the steps of one
// user run one at a time across processes). Keys are namespaced by a prefix so that several accounts or
// environments can share one Redis.
package redisstore

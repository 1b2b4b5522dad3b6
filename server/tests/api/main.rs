//! API integration tests. Each runs against a fresh database on SQLite and on PostgreSQL.

mod common;

mod assessment;
mod audit;
mod authz;
mod board;
mod care;
mod cases;
mod council;
mod demo;
mod demo_history;
mod directives;
mod elder;
mod hardening;
mod http;
mod idempotency;
mod map;
mod mediation;
mod open311;
mod people;
mod places;
mod proxy;
mod receivers;
mod residents;
mod sessions;
mod stats;
mod storage;
mod supervision;
mod transfer;
mod users;

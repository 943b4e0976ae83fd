//! Black-box tests: each spawns the real service on port 0 with its own
//! SQLite database and talks HTTP to it. One binary, so the suite links once.

mod abuse;
mod access_tokens;
mod audit;
mod binary;
mod crash;
mod errors;
mod forms;
mod health;
mod helpers;
mod hostile;
mod limits;
mod load;
mod login;
mod logout;
mod pages;
mod process;
mod purge;
mod refresh;
mod register;
mod restart;
mod revocation;
mod sessions;
mod storage;
mod timing;

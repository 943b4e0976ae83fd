//! A bounded queue that takes turns between its senders: each key (a
//! client address) has its own line, and the next job is taken from the
//! next key in turn, so a key with many jobs waiting cannot make another
//! key's one job wait behind all of them. Bounded twice: in all, and per key.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

pub struct RoundRobin<K, J> {
    lines: HashMap<K, VecDeque<J>>,
    /// Keys with a job waiting, in the order their turn comes.
    turns: VecDeque<K>,
    waiting: usize,
    max_waiting: usize,
    max_per_key: usize,
}

/// Why a job was not queued.
#[derive(Debug, PartialEq, Eq)]
pub enum Full {
    /// The whole queue.
    All,
    /// This key's share of it.
    Key,
}

impl<K: Hash + Eq + Clone, J> RoundRobin<K, J> {
    pub fn new(max_waiting: usize, max_per_key: usize) -> Self {
        RoundRobin {
            lines: HashMap::new(),
            turns: VecDeque::new(),
            waiting: 0,
            max_waiting,
            max_per_key: max_per_key.max(1),
        }
    }

    pub fn push(&mut self, key: K, job: J) -> Result<(), (Full, J)> {
        if self.waiting >= self.max_waiting {
            return Err((Full::All, job));
        }
        let line = self.lines.entry(key.clone()).or_default();
        if line.len() >= self.max_per_key {
            return Err((Full::Key, job));
        }
        if line.is_empty() {
            self.turns.push_back(key);
        }
        line.push_back(job);
        self.waiting += 1;
        Ok(())
    }

    /// The next job: the first of the key whose turn it is.
    pub fn pop(&mut self) -> Option<J> {
        let key = self.turns.pop_front()?;
        let line = self.lines.get_mut(&key)?;
        let job = line.pop_front();
        if line.is_empty() {
            self.lines.remove(&key);
        } else {
            self.turns.push_back(key);
        }
        self.waiting -= usize::from(job.is_some());
        job
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_take_turns_whatever_one_of_them_queued() {
        let mut queue = RoundRobin::new(100, 100);
        for n in 0..5 {
            queue.push("flood", n).unwrap();
        }
        queue.push("victim", 100).unwrap();
        assert_eq!(queue.pop(), Some(0));
        assert_eq!(queue.pop(), Some(100), "the victim's turn comes second");
        assert_eq!(
            (1..5).map(|_| queue.pop().unwrap()).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
        assert_eq!(queue.pop(), None);
    }

    #[test]
    fn it_is_bounded_in_all_and_per_key() {
        let mut queue = RoundRobin::new(3, 2);
        queue.push("a", 1).unwrap();
        queue.push("a", 2).unwrap();
        assert_eq!(queue.push("a", 3).unwrap_err().0, Full::Key);
        queue.push("b", 4).unwrap();
        assert_eq!(queue.push("c", 5).unwrap_err().0, Full::All);
        queue.pop();
        assert!(queue.push("c", 5).is_ok(), "room again");
    }
}

//! A bounded queue that takes turns between its senders: each key (a
//! client address) has its own line, and the next job is taken from the
//! next key in turn, so a key with many jobs waiting cannot make another
//! key's one job wait behind all of them. Bounded twice: in all, and per
//! key. When it is full, a job whose line is shorter than the longest one
//! still gets in: the longest line's newest job is pushed out for it, so a
//! few keys flooding together cannot fill it against everyone else.

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

    /// Queues `job`; with it, the job pushed out to make room, if any (its
    /// sender is to be told the queue is full).
    pub fn push(&mut self, key: K, job: J) -> Result<Option<J>, (Full, J)> {
        let length = self.lines.get(&key).map_or(0, VecDeque::len);
        if length >= self.max_per_key {
            return Err((Full::Key, job));
        }
        let mut pushed_out = None;
        if self.waiting >= self.max_waiting {
            match self.longest_line() {
                Some(longest) if self.lines[&longest].len() > length + 1 => {
                    pushed_out = self.drop_newest(&longest);
                }
                _ => return Err((Full::All, job)),
            }
        }
        let line = self.lines.entry(key.clone()).or_default();
        if line.is_empty() {
            self.turns.push_back(key);
        }
        line.push_back(job);
        self.waiting += 1;
        Ok(pushed_out)
    }

    fn longest_line(&self) -> Option<K> {
        self.lines
            .iter()
            .max_by_key(|(_, line)| line.len())
            .map(|(key, _)| key.clone())
    }

    /// Takes the newest job of `key`'s line out of the queue.
    fn drop_newest(&mut self, key: &K) -> Option<J> {
        let line = self.lines.get_mut(key)?;
        let job = line.pop_back();
        if line.is_empty() {
            self.lines.remove(key);
            self.turns.retain(|k| k != key);
        }
        self.waiting -= usize::from(job.is_some());
        job
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
        assert_eq!(
            queue.push("b", 5).unwrap_err().0,
            Full::All,
            "lines of 2 and 1"
        );
        queue.pop();
        assert_eq!(queue.push("c", 5).unwrap(), None, "room again");
    }

    #[test]
    fn when_full_a_shorter_line_pushes_out_the_longest_lines_newest_job() {
        let mut queue = RoundRobin::new(4, 4);
        for n in 0..4 {
            queue.push("flood", n).unwrap();
        }
        assert_eq!(queue.push("victim", 100).unwrap(), Some(3));
        assert_eq!(queue.pop(), Some(0));
        assert_eq!(queue.pop(), Some(100));
        // Lines of equal length: nobody is pushed out.
        let mut even = RoundRobin::new(2, 4);
        even.push("a", 1).unwrap();
        even.push("b", 2).unwrap();
        assert_eq!(even.push("c", 3).unwrap_err().0, Full::All);
    }
}

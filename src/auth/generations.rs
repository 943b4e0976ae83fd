//! A map that remembers at most two generations of entries: when the newer
//! fills, the older is dropped, used or not (an entry in use is simply read
//! again and comes back in the newer). Bounded memory at the price of one
//! more read per entry per two generations, for what is kept in memory only
//! to go faster.

use std::collections::HashMap;

pub struct Generations<V> {
    newer: HashMap<String, V>,
    older: HashMap<String, V>,
    /// Entries in one generation.
    size: usize,
}

impl<V> Generations<V> {
    pub fn new(size: usize) -> Self {
        Generations {
            newer: HashMap::new(),
            older: HashMap::new(),
            size: size.max(1),
        }
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.newer.get(key).or_else(|| self.older.get(key))
    }

    pub fn insert(&mut self, key: String, value: V) {
        if self.newer.len() >= self.size {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.insert(key, value);
    }

    pub fn remove(&mut self, key: &str) {
        self.newer.remove(key);
        self.older.remove(key);
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&V) -> bool) {
        self.newer.retain(|_, v| keep(v));
        self.older.retain(|_, v| keep(v));
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.newer.len() + self.older.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_at_most_two_generations() {
        let mut map = Generations::new(2);
        for key in ["a", "b", "c", "d", "e"] {
            map.insert(key.into(), ());
        }
        // "a" and "b" filled the first generation, "c" and "d" the second;
        // "e" started a third and the first was dropped.
        assert!(map.get("a").is_none() && map.get("b").is_none());
        assert!(map.get("c").is_some() && map.get("d").is_some() && map.get("e").is_some());
        assert!(map.len() <= 4);
    }

    #[test]
    fn removing_and_retaining_reach_both_generations() {
        let mut map = Generations::new(1);
        map.insert("a".into(), 1);
        map.insert("b".into(), 2);
        assert_eq!(map.get("a"), Some(&1), "in the older generation");
        map.remove("a");
        assert_eq!(map.get("a"), None);
        map.insert("c".into(), 3);
        map.retain(|v| *v != 2);
        assert_eq!(map.get("b"), None);
        assert_eq!(map.get("c"), Some(&3));
    }
}

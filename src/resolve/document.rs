//! Within one document: every mention gets a key, and short forms link to the
//! one longer name they can only mean ("Belivuk" → "Veljko Belivuk", "SIPA"
//! → "State Investigation and Protection Agency").

use super::keys::{
    acronym_shaped, amount_key, core_form, entity_id, initials, normalise_key, Possessive,
};
use super::{Class, Resolved};
use crate::doc::{Label, Mention};
use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

/// Token `a` of a short form matches `b` of a full name: equal, or an initial.
fn token_matches(a: &str, b: &str) -> bool {
    a == b || (a.len() == 1 && b.starts_with(a))
}

/// Is `short` a token subsequence of `long` (initials allowed)? Greedy
/// leftmost matching is exact for subsequence tests.
fn is_subsequence(short: &[&str], long: &[&str]) -> bool {
    let mut it = long.iter();
    short
        .iter()
        .all(|s| it.by_ref().any(|l| token_matches(s, l)))
}

/// One distinct (class, key) in a document.
struct DocKey<'a> {
    class: Class,
    toks: Vec<&'a str>,
    /// All its mentions are ORGANISATION/MISC (prefix rule applies).
    org_misc_only: bool,
    /// Some mention of it looks like an acronym.
    acronym: bool,
    /// Some mention of it is ORGANISATION/MISC (it can be a prefix target).
    any_org_misc: bool,
    /// Index of the key it resolves to (itself when unlinked).
    target: usize,
    first_mention: usize,
}

fn push_unique(v: &mut Vec<usize>, x: usize) {
    if !v.contains(&x) {
        v.push(x);
    }
}

/// What step 1 makes of one mention.
struct Info {
    class: Class,
    core: String,
    key: String,
    poss: Possessive,
}

/// Per-document resolution: assigns each mention an entity key and id.
/// Output has the same order and length as `mentions`, which must all come from
/// one document.
pub fn resolve_document(mentions: &[Mention]) -> Vec<Resolved> {
    resolve_document_apart(mentions, &|_, _| false)
}

/// [`resolve_document`] where no short form links to a name whose entity
/// `apart(short_id, name_id)` says is another (an analyst's `different`).
pub fn resolve_document_apart(
    mentions: &[Mention],
    apart: &dyn Fn(&str, &str) -> bool,
) -> Vec<Resolved> {
    let mut infos = mention_infos(mentions);
    fold_plural_possessives(&mut infos);
    let (mut keys, mention_key) = distinct_keys(&infos, mentions);
    let indexes = Indexes::of(&keys, &infos);
    let id_of = |k: &DocKey| entity_id(k.class.group_label(), &infos[k.first_mention].key);
    link(&mut keys, &infos, &indexes, &|short, name| {
        apart(&id_of(short), &id_of(name))
    });

    // Ids, computed once per target key.
    let mut ids: HashMap<usize, String> = HashMap::new();
    mention_key
        .iter()
        .map(|&k| {
            let t = keys[k].target;
            let key = &infos[keys[t].first_mention].key;
            let group_label = keys[t].class.group_label();
            let entity_id = ids
                .entry(t)
                .or_insert_with(|| entity_id(group_label, key))
                .clone();
            Resolved {
                entity_id,
                key: key.clone(),
                group_label,
            }
        })
        .collect()
}

/// Step 1: surface → core form → match key.
fn mention_infos(mentions: &[Mention]) -> Vec<Info> {
    mentions
        .iter()
        .map(|m| {
            let class = Class::of(m.label);
            if class == Class::Amount {
                return Info {
                    class,
                    core: m.text.clone(),
                    key: amount_key(m),
                    poss: Possessive::None,
                };
            }
            let (mut core, poss) = core_form(&m.text, class);
            if !m.lemma.is_empty() {
                core = core_form(&m.lemma, class).0;
            }
            let mut key = normalise_key(&core);
            if key.is_empty() {
                key = normalise_key(&m.text);
            }
            Info {
                class,
                core,
                key,
                poss,
            }
        })
        .collect()
}

/// Step 2: "Belivuks'" may be Belivuk's plural possessive: use "belivuk" when
/// only s'-forms carry "belivuks" and the document knows "belivuk".
fn fold_plural_possessives(infos: &mut [Info]) {
    if !infos
        .iter()
        .any(|i| i.poss == Possessive::SApostrophe && !i.key.contains(' '))
    {
        return;
    }
    let strong: HashSet<(Class, &str)> = infos
        .iter()
        .filter(|i| i.poss != Possessive::SApostrophe)
        .map(|i| (i.class, i.key.as_str()))
        .collect();
    let person_tokens: HashSet<&str> = infos
        .iter()
        .filter(|i| i.class == Class::Person && i.key.contains(' '))
        .flat_map(|i| i.key.split(' '))
        .collect();
    let rewrites: Vec<(usize, String)> = infos
        .iter()
        .enumerate()
        .filter(|(_, i)| {
            i.poss == Possessive::SApostrophe
                && !i.key.contains(' ')
                && i.key.ends_with('s')
                && i.key.len() > 1
                && !strong.contains(&(i.class, i.key.as_str()))
        })
        .filter_map(|(n, i)| {
            let fb = &i.key[..i.key.len() - 1];
            let known = strong.contains(&(i.class, fb))
                || (i.class == Class::Person && person_tokens.contains(fb));
            known.then(|| (n, fb.to_string()))
        })
        .collect();
    for (n, fb) in rewrites {
        infos[n].key = fb;
    }
}

/// Step 3: the distinct keys, and each mention's key.
fn distinct_keys<'a>(infos: &'a [Info], mentions: &[Mention]) -> (Vec<DocKey<'a>>, Vec<usize>) {
    let mut keys: Vec<DocKey> = Vec::new();
    let mut by_key: HashMap<(Class, &str), usize> = HashMap::new();
    let mut mention_key: Vec<usize> = Vec::with_capacity(infos.len());
    for (n, (info, m)) in infos.iter().zip(mentions).enumerate() {
        let org_misc = matches!(m.label, Label::Organisation | Label::Misc);
        let k = *by_key
            .entry((info.class, info.key.as_str()))
            .or_insert_with(|| {
                keys.push(DocKey {
                    class: info.class,
                    toks: info.key.split(' ').collect(),
                    org_misc_only: true,
                    acronym: false,
                    any_org_misc: false,
                    target: keys.len(),
                    first_mention: n,
                });
                keys.len() - 1
            });
        let dk = &mut keys[k];
        dk.org_misc_only &= org_misc;
        dk.any_org_misc |= org_misc;
        dk.acronym |= info.class == Class::Name && acronym_shaped(&info.core);
        mention_key.push(k);
    }
    (keys, mention_key)
}

/// Step 4: indexes from tokens to longer names, so linking is not quadratic.
struct Indexes<'a> {
    person_tok: HashMap<&'a str, Vec<usize>>,
    /// Every proper token prefix of an ORG/MISC name, as a slice of its key.
    name_prefix: HashMap<&'a str, Vec<usize>>,
    name_initials: HashMap<String, Vec<usize>>,
}

impl<'a> Indexes<'a> {
    fn of(keys: &[DocKey<'a>], infos: &'a [Info]) -> Indexes<'a> {
        let mut ix = Indexes {
            person_tok: HashMap::new(),
            name_prefix: HashMap::new(),
            name_initials: HashMap::new(),
        };
        for (k, dk) in keys.iter().enumerate() {
            if dk.toks.len() < 2 {
                continue;
            }
            match dk.class {
                Class::Person => {
                    for t in &dk.toks {
                        let v = ix.person_tok.entry(t).or_default();
                        if v.last() != Some(&k) {
                            v.push(k);
                        }
                    }
                }
                Class::Name => {
                    let key = infos[dk.first_mention].key.as_str();
                    if dk.any_org_misc {
                        for (p, _) in key.match_indices(' ') {
                            ix.name_prefix.entry(&key[..p]).or_default().push(k);
                        }
                    }
                    for ini in initials(&infos[dk.first_mention].core) {
                        ix.name_initials.entry(ini).or_default().push(k);
                    }
                }
                Class::Amount => {}
            }
        }
        ix
    }
}

/// Step 5: link, longest names first so chains end at the longest form.
fn link(
    keys: &mut [DocKey],
    infos: &[Info],
    ix: &Indexes,
    apart: &dyn Fn(&DocKey, &DocKey) -> bool,
) {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by_key(|&k| (Reverse(keys[k].toks.len()), k));
    let mut targets: Vec<usize> = Vec::new();
    for k in order {
        targets.clear();
        let dk = &keys[k];
        let n = dk.toks.len();
        // Stops at two distinct targets: that is already ambiguous.
        let consider = |c: usize, targets: &mut Vec<usize>| {
            push_unique(targets, keys[c].target);
            targets.len() < 2
        };
        match dk.class {
            Class::Person => {
                // Look up by the rarest non-initial token; every one must occur.
                let lists: Option<Vec<&Vec<usize>>> = dk
                    .toks
                    .iter()
                    .filter(|t| t.len() > 1)
                    .map(|t| ix.person_tok.get(t))
                    .collect();
                if let Some(list) = lists.and_then(|l| l.into_iter().min_by_key(|v| v.len())) {
                    for &c in list {
                        if keys[c].toks.len() > n
                            && is_subsequence(&dk.toks, &keys[c].toks)
                            && !consider(c, &mut targets)
                        {
                            break;
                        }
                    }
                }
            }
            Class::Name => {
                let key = infos[dk.first_mention].key.as_str();
                if dk.acronym && n == 1 {
                    for &c in ix.name_initials.get(key).into_iter().flatten() {
                        if !consider(c, &mut targets) {
                            break;
                        }
                    }
                }
                if targets.is_empty() && dk.org_misc_only {
                    for &c in ix.name_prefix.get(key).into_iter().flatten() {
                        if !consider(c, &mut targets) {
                            break;
                        }
                    }
                }
            }
            Class::Amount => {}
        }
        // Never guess: two or more candidates leave the key on its own.
        if targets.len() == 1 && !apart(&keys[k], &keys[targets[0]]) {
            keys[k].target = targets[0];
        }
    }
}

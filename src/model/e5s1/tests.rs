use super::*;

/// Builder for tiny synthetic E5S1 images.
struct Img {
    head: Vec<u8>,
    tensors: Vec<(String, u8, u32, Vec<u8>)>,
}

fn put_i32(b: &mut Vec<u8>, v: i32) {
    b.extend(v.to_le_bytes());
}

const PIECES: [&str; 8] = [
    "<s>",
    "<pad>",
    "</s>",
    "<unk>",
    "\u{2581}",
    "a",
    "\u{2581}ab",
    "b",
];

fn header_and_vocab(h: usize, ff: usize, voc: usize) -> Vec<u8> {
    let mut b = b"E5S1".to_vec();
    b.extend(1u32.to_le_bytes());
    for v in [h, 1, 2, ff, voc, 4, 2] {
        put_i32(&mut b, v as i32);
    }
    b.extend(1e-12f32.to_le_bytes());
    put_i32(&mut b, 32);
    put_i32(&mut b, PIECES.len() as i32);
    for v in [0, 2, 1, 3] {
        put_i32(&mut b, v);
    }
    let blob: String = PIECES.concat();
    b.extend((blob.len() as u64).to_le_bytes());
    let mut off = 0u32;
    b.extend(off.to_le_bytes());
    for p in PIECES {
        off += p.len() as u32;
        b.extend(off.to_le_bytes());
    }
    for (i, _) in PIECES.iter().enumerate() {
        b.extend((-(i as f32)).to_le_bytes());
    }
    b.extend(blob.bytes());
    // normalisation map: U+00A0 -> ' ', U+FB01 -> "fi", U+200B -> ""
    let entries: [(u32, &[u32]); 3] = [(0xA0, &[0x20]), (0xFB01, &[0x66, 0x69]), (0x200B, &[])];
    let mut nm = Vec::new();
    for (cp, outs) in entries {
        nm.extend(cp.to_le_bytes());
        nm.push(outs.len() as u8);
        outs.iter().for_each(|o| nm.extend(o.to_le_bytes()));
    }
    put_i32(&mut b, entries.len() as i32);
    b.extend((nm.len() as u32).to_le_bytes());
    b.extend(nm);
    b
}

fn f32_bytes(n: usize, seed: f32) -> Vec<u8> {
    (0..n)
        .flat_map(|i| (seed + i as f32 * 0.5).to_le_bytes())
        .collect()
}

/// Q4_0 bytes whose dequantised values are known: scale 0.5, nibble
/// pattern (i + r) % 16 in each block.
fn q4_bytes(n: usize, r: usize) -> Vec<u8> {
    let mut b = Vec::new();
    for blk in 0..n / QK {
        b.extend(half::f16::from_f32(0.5).to_bits().to_le_bytes());
        for j in 0..16 {
            let lo = (j + r + blk) % 16;
            let hi = (j + 16 + r + blk) % 16;
            b.push((lo | (hi << 4)) as u8);
        }
    }
    b
}

fn expected_q4(n: usize, r: usize) -> Vec<f32> {
    (0..n)
        .map(|i| (((i % QK) + r + i / QK) % 16) as f32 * 0.5 - 4.0)
        .collect()
}

impl Img {
    fn tiny() -> Img {
        let (h, ff, voc) = (32usize, 64usize, 8usize);
        let mut tensors = vec![
            (
                "emb.word".to_string(),
                1u8,
                (voc * h) as u32,
                q4_bytes(voc * h, 0),
            ),
            ("emb.pos".into(), 0, (4 * h) as u32, f32_bytes(4 * h, 1.0)),
            ("emb.type".into(), 0, (2 * h) as u32, f32_bytes(2 * h, 2.0)),
            ("emb.ln.w".into(), 0, h as u32, f32_bytes(h, 3.0)),
            ("emb.ln.b".into(), 0, h as u32, f32_bytes(h, 4.0)),
        ];
        for (i, (name, out, inp)) in [
            ("q", h, h),
            ("k", h, h),
            ("v", h, h),
            ("ao", h, h),
            ("aln", h, 0),
            ("fi", ff, h),
            ("fo", h, ff),
            ("oln", h, 0),
        ]
        .into_iter()
        .enumerate()
        {
            let w = if inp == 0 {
                (0u8, out as u32, f32_bytes(out, i as f32))
            } else {
                (1u8, (out * inp) as u32, q4_bytes(out * inp, i))
            };
            tensors.push((format!("l0.{name}.w"), w.0, w.1, w.2));
            tensors.push((
                format!("l0.{name}.b"),
                0,
                out as u32,
                f32_bytes(out, -(i as f32)),
            ));
        }
        Img {
            head: header_and_vocab(h, ff, voc),
            tensors,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut b = self.head.clone();
        put_i32(&mut b, self.tensors.len() as i32);
        let dir_len: usize = self
            .tensors
            .iter()
            .map(|t| 2 + t.0.len() + 1 + 4 + 16)
            .sum();
        let mut off = (b.len() + dir_len) as u64;
        for (name, dt, n, data) in &self.tensors {
            b.extend((name.len() as u16).to_le_bytes());
            b.extend(name.bytes());
            b.push(*dt);
            b.extend(n.to_le_bytes());
            b.extend(off.to_le_bytes());
            b.extend((data.len() as u64).to_le_bytes());
            off += data.len() as u64;
        }
        self.tensors.iter().for_each(|t| b.extend(&t.3));
        b
    }
}

#[test]
fn q4_0_dequantisation_is_exact() {
    let mut block = half::f16::from_f32(0.25).to_bits().to_le_bytes().to_vec();
    block.extend((0..16u8).map(|j| j | ((15 - j) << 4)));
    let v = dequant_q4_0(&block).unwrap();
    for j in 0..16 {
        assert_eq!(v[j], (j as f32 - 8.0) * 0.25);
        assert_eq!(v[j + 16], ((15 - j) as f32 - 8.0) * 0.25);
    }
    assert!(dequant_q4_0(&block[..17]).is_err());
}

#[test]
fn parses_and_maps_synthetic_model() {
    let data = Img::tiny().bytes();
    let m = parse(&data).unwrap();
    assert_eq!(m.header.hidden, 32);
    assert_eq!(m.vocab.pieces[6], "\u{2581}ab");
    assert_eq!(
        (m.vocab.bos, m.vocab.eos, m.vocab.pad, m.vocab.unk),
        (0, 2, 1, 3)
    );
    assert_eq!(m.norm.len(), 3);
    let t = m.hf_tensors().unwrap();
    assert_eq!(t.len(), 5 + 16);
    let word = &t[0];
    assert_eq!(word.name, "bert.embeddings.word_embeddings.weight");
    assert_eq!(word.shape, vec![8, 32]);
    assert_eq!(word.values, expected_q4(256, 0));
    let get = |n: &str| t.iter().find(|x| x.name == n).unwrap();
    let fi = get("bert.encoder.layer.0.intermediate.dense.weight");
    assert_eq!(fi.shape, vec![64, 32]);
    assert_eq!(fi.values, expected_q4(64 * 32, 5));
    let ln = get("bert.encoder.layer.0.output.LayerNorm.bias");
    assert_eq!(ln.values[1], -7.0 + 0.5);
}

#[test]
fn roundtrip_through_folder() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("tiny.bin");
    std::fs::write(&bin, Img::tiny().bytes()).unwrap();
    let out = dir.path().join("out");
    convert(&bin, &out).unwrap();
    let st = std::fs::read(out.join("model.safetensors")).unwrap();
    let st = safetensors::SafeTensors::deserialize(&st).unwrap();
    assert_eq!(st.names().len(), 21);
    let w = st
        .tensor("bert.encoder.layer.0.attention.self.key.weight")
        .unwrap();
    assert_eq!(w.shape(), &[32, 32]);
    let vals: Vec<f32> = w
        .data()
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    assert_eq!(vals, expected_q4(1024, 1));
    let cfg: Value =
        serde_json::from_slice(&std::fs::read(out.join("config.json")).unwrap()).unwrap();
    assert_eq!(cfg["pad_token_id"], 1);
    assert_eq!(cfg["intermediate_size"], 64);

    let tok = tokenizers::Tokenizer::from_file(out.join("tokenizer.json")).unwrap();
    let enc = tok.encode("ab\u{a0}a\u{200b}b", true).unwrap();
    // NBSP -> space, ZWSP deleted: "▁ab▁ab" -> <s> ▁ab ▁ab </s>
    assert_eq!(enc.get_ids(), &[0, 6, 6, 2]);
    let enc = tok.encode("ab  \u{fb01}", false).unwrap();
    // spaces collapsed, ligature expanded; unknown "fi" fused into one <unk>
    assert_eq!(enc.get_ids(), &[6, 4, 3]);
}

/// Mirror of `spm_precompiled`'s lookup, to test the trie directly.
fn lookup(units: &[u32], key: &[u8]) -> Option<u32> {
    let off = |u: u32| ((u >> 10) << ((u & (1 << 9)) >> 6)) as usize;
    let mut pos = off(units[0]);
    for &c in key {
        pos ^= c as usize;
        let u = units[pos];
        if u & ((1 << 31) | 0xFF) != c as u32 {
            return None;
        }
        pos ^= off(u);
        if (u >> 8) & 1 == 1 {
            return Some(units[pos] & 0x7FFF_FFFF);
        }
    }
    None
}

#[test]
fn charsmap_trie_finds_every_key_and_nothing_else() {
    let map: Vec<(char, Vec<char>)> = (0x80u32..0x3000)
        .step_by(7)
        .filter_map(char::from_u32)
        .map(|c| (c, vec!['x'; (c as usize) % 3]))
        .collect();
    let blob = precompiled_charsmap(&map).unwrap();
    let n = u32::from_le_bytes(blob[..4].try_into().unwrap()) as usize / 4;
    let units: Vec<u32> = blob[4..4 + n * 4]
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    let strings = &blob[4 + n * 4..];
    let keys: HashSet<char> = map.iter().map(|e| e.0).collect();
    for (c, outs) in &map {
        let v = lookup(&units, c.to_string().as_bytes()).unwrap() as usize;
        let end = strings[v..].iter().position(|&b| b == 0).unwrap();
        assert_eq!(
            std::str::from_utf8(&strings[v..v + end]).unwrap(),
            outs.iter().collect::<String>()
        );
    }
    for c in (0u32..0x3100)
        .filter_map(char::from_u32)
        .filter(|c| !keys.contains(c))
    {
        assert_eq!(lookup(&units, c.to_string().as_bytes()), None, "{c:?}");
    }
}

#[test]
fn malformed_input_gives_errors_not_panics() {
    let good = Img::tiny().bytes();
    for cut in [0, 3, 7, 40, 90, good.len() / 2, good.len() - 1] {
        assert!(
            parse(&good[..cut]).and_then(|m| m.hf_tensors()).is_err(),
            "cut {cut}"
        );
    }
    let mut bad = good.clone();
    bad[0] = b'X';
    assert!(format!("{:#}", parse(&bad).unwrap_err()).contains("magic"));
    let mut bad = good.clone();
    bad[4] = 2;
    assert!(format!("{:#}", parse(&bad).unwrap_err()).contains("version 2"));
    // Corrupt the first tensor's offset so it points past the end.
    let mut img = Img::tiny();
    img.tensors.truncate(1);
    let mut b = img.bytes();
    let off_pos = img.head.len() + 4 + 2 + "emb.word".len() + 1 + 4;
    b[off_pos..off_pos + 8].copy_from_slice(&(u64::MAX - 3).to_le_bytes());
    let err = format!("{:#}", parse(&b).unwrap_err());
    assert!(err.contains("outside the file"), "{err}");
    // Missing tensor is reported by name.
    let one = img.bytes();
    let m = parse(&one).unwrap();
    assert!(format!("{:#}", m.hf_tensors().unwrap_err()).contains("emb.pos"));
    // Every single-byte corruption of the header region is handled.
    for i in 0..img.head.len() {
        let mut c = good.clone();
        c[i] ^= 0xA5;
        let _ = parse(&c).and_then(|m| m.hf_tensors());
    }
    let dir = tempfile::tempdir().unwrap();
    let err = convert(&dir.path().join("nope.bin"), dir.path()).unwrap_err();
    assert!(format!("{err:#}").contains("nope.bin"));
    let fake = dir.path().join("fake.whl");
    std::fs::write(&fake, b"not a zip").unwrap();
    assert!(format!("{:#}", convert_wheel(&fake, dir.path()).unwrap_err()).contains("fake.whl"));
}

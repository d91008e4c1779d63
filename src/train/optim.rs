//! AdamW over fp32 master weights, for training in bf16: the network's
//! variables may be bf16 (fast matrix multiplications on CPUs with AMX), while
//! the optimiser keeps an fp32 copy of every trainable variable and its two
//! moments, updates those, and writes the result back into the network. The
//! state can be saved and restored, so an interrupted run resumes exactly.

use anyhow::Context;
use std::path::Path;
use tch::{Kind, Tensor};

struct Param {
    name: String,
    /// The network's variable (bf16 or fp32).
    var: Tensor,
    master: Tensor,
    m: Tensor,
    v: Tensor,
}

pub struct MasterAdamW {
    params: Vec<Param>,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
    /// Steps taken, for the bias correction.
    pub steps: i64,
}

impl MasterAdamW {
    /// Masters for the `trainable` variables of `vars` (name → variable);
    /// PyTorch's AdamW defaults (β 0.9/0.999, ε 1e-8).
    pub fn new(vars: Vec<(String, Tensor)>, weight_decay: f64) -> MasterAdamW {
        let params = tch::no_grad(|| {
            vars.into_iter()
                .map(|(name, var)| {
                    let master = var.to_kind(Kind::Float).detach().copy();
                    Param {
                        m: master.zeros_like(),
                        v: master.zeros_like(),
                        name,
                        var,
                        master,
                    }
                })
                .collect()
        });
        MasterAdamW {
            params,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay,
            steps: 0,
        }
    }

    pub fn zero_grad(&mut self) {
        for p in &mut self.params {
            p.var.zero_grad();
        }
    }

    /// One update from the variables' gradients, clipped to a total norm of
    /// `max_norm`.
    pub fn step(&mut self, lr: f64, max_norm: f64) {
        tch::no_grad(|| {
            let grads: Vec<Option<Tensor>> = self
                .params
                .iter()
                .map(|p| {
                    let g = p.var.grad();
                    g.defined().then(|| g.to_kind(Kind::Float))
                })
                .collect();
            let norm_sq: f64 = grads
                .iter()
                .flatten()
                .map(|g| g.square().sum(Kind::Float).double_value(&[]))
                .sum();
            let scale = (max_norm / (norm_sq.sqrt() + 1e-6)).min(1.0);
            self.steps += 1;
            let t = self.steps as i32;
            let (c1, c2) = (1.0 - self.beta1.powi(t), 1.0 - self.beta2.powi(t));
            for (p, g) in self.params.iter_mut().zip(grads) {
                let Some(g) = g else { continue };
                let g = g * scale;
                p.master
                    .copy_(&(&p.master * (1.0 - lr * self.weight_decay)));
                p.m.copy_(&(&p.m * self.beta1 + &g * (1.0 - self.beta1)));
                p.v.copy_(&(&p.v * self.beta2 + g.square() * (1.0 - self.beta2)));
                let update = (&p.m / c1) / ((&p.v / c2).sqrt() + self.eps);
                p.master.copy_(&(&p.master - update * lr));
                p.var.copy_(&p.master.to_kind(p.var.kind()));
            }
        });
    }

    /// The fp32 masters by name, for saving the model.
    pub fn masters(&self) -> impl Iterator<Item = (&str, &Tensor)> {
        self.params.iter().map(|p| (p.name.as_str(), &p.master))
    }

    /// Writes masters and moments to `path` (safetensors).
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let mut named: Vec<(String, Tensor)> = Vec::with_capacity(self.params.len() * 3);
        for p in &self.params {
            named.push((format!("master.{}", p.name), p.master.shallow_clone()));
            named.push((format!("m.{}", p.name), p.m.shallow_clone()));
            named.push((format!("v.{}", p.name), p.v.shallow_clone()));
        }
        let tmp = crate::atomic::TempPath::beside(path)?;
        Tensor::write_safetensors(&named, tmp.path())
            .with_context(|| format!("{}: cannot write the checkpoint", path.display()))?;
        tmp.commit()
    }

    /// Sets every master, and the network's variable, to the mean of the
    /// masters in the states `paths` (files [`MasterAdamW::save`] wrote):
    /// checkpoint averaging. The moments are left as they are.
    pub fn set_masters_to_mean(&mut self, paths: &[std::path::PathBuf]) -> anyhow::Result<()> {
        tch::no_grad(|| -> anyhow::Result<()> {
            let mut sums: Vec<Tensor> = self.params.iter().map(|p| p.master.zeros_like()).collect();
            for path in paths {
                let mut state = SavedState::read(path)?;
                for (p, sum) in self.params.iter().zip(&mut sums) {
                    *sum += state.take("master", &p.name)?;
                }
            }
            for (p, sum) in self.params.iter_mut().zip(sums) {
                p.master.copy_(&(sum / paths.len() as f64));
                p.var.copy_(&p.master.to_kind(p.var.kind()));
            }
            Ok(())
        })
    }

    /// Restores what [`MasterAdamW::save`] wrote, and the network's variables.
    pub fn load(&mut self, path: &Path, steps: i64) -> anyhow::Result<()> {
        let mut state = SavedState::read(path)?;
        tch::no_grad(|| -> anyhow::Result<()> {
            for p in &mut self.params {
                for (prefix, dest) in [("master", &mut p.master), ("m", &mut p.m), ("v", &mut p.v)]
                {
                    dest.copy_(&state.take(prefix, &p.name)?);
                }
                p.var.copy_(&p.master.to_kind(p.var.kind()));
            }
            Ok(())
        })?;
        self.steps = steps;
        Ok(())
    }
}

/// The tensors of a file [`MasterAdamW::save`] wrote, taken by name.
struct SavedState<'a> {
    path: &'a Path,
    by_name: std::collections::HashMap<String, Tensor>,
}

impl<'a> SavedState<'a> {
    fn read(path: &'a Path) -> anyhow::Result<SavedState<'a>> {
        let tensors = Tensor::read_safetensors(path)
            .with_context(|| format!("{}: cannot read the checkpoint", path.display()))?;
        Ok(SavedState {
            path,
            by_name: tensors.into_iter().collect(),
        })
    }

    /// The `prefix` tensor (master, m or v) of the parameter `name`.
    fn take(&mut self, prefix: &str, name: &str) -> anyhow::Result<Tensor> {
        let key = format!("{prefix}.{name}");
        self.by_name.remove(&key).with_context(|| {
            format!(
                "{}: the checkpoint has no {key}: it belongs to another model",
                self.path.display()
            )
        })
    }
}

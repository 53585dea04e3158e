//! The accumulator of a kustomization build: the resources, transformer
//! configuration and vars gathered so far. Its own module so the stages that
//! add to it (generators, patches, name references) do not import the build
//! driver that calls them.

use super::fieldspec::Config;
use super::ids;
use super::resource::{Res, ResMap};
use super::tree::Origin;
use super::Ctx;

/// A kustomize `vars:` entry: a name for a field of a resource (`objref` and
/// `fieldref`), substituted as `$(NAME)` (`super::vars`).
#[derive(Debug, Clone)]
pub(crate) struct Var {
    pub name: String,
    pub field_path: String,
    pub origin: Origin,
}

/// What the kustomizations built so far hold.
#[derive(Debug, Clone)]
pub(crate) struct Acc {
    pub map: ResMap,
    pub config: Config,
    pub vars: Vec<Var>,
}

impl Acc {
    pub fn new() -> Acc {
        Acc {
            map: ResMap::default(),
            config: Config::defaults(),
            vars: Vec::new(),
        }
    }

    /// Appends `res`, reporting a conflicting id at `at`.
    pub fn append(&mut self, ctx: &mut Ctx, res: Res, at: Origin) {
        if let Err((_, msg)) = self.map.append(res) {
            ctx.problem(ids::CONFLICTING_ID, msg, at);
        }
    }

    pub fn absorb(&mut self, ctx: &mut Ctx, other: Acc, at: Origin) {
        for r in other.map.list {
            let origin = r.node.origin_at(&[]);
            self.append(ctx, r, if origin.file == at.file { at } else { origin });
        }
        self.config.merge(&other.config);
        for v in other.vars {
            if self.vars.iter().any(|x| x.name == v.name) {
                ctx.problem(
                    ids::VAR,
                    format!("var {:?} is defined twice", v.name),
                    v.origin,
                );
            } else {
                self.vars.push(v);
            }
        }
    }
}

use serde::{Deserialize, Serialize};
use std::fmt;

/// What an amount measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AmountKind {
    Money,
    Quantity,
    Percent,
    Count,
    Duration,
}

impl AmountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AmountKind::Money => "money",
            AmountKind::Quantity => "quantity",
            AmountKind::Percent => "percent",
            AmountKind::Count => "count",
            AmountKind::Duration => "duration",
        }
    }
}

impl fmt::Display for AmountKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The value of an amount mention, filled by the amounts recogniser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    #[serde(rename = "amount_kind")]
    pub kind: AmountKind,
    /// Exact decimal: no exponent, no trailing zeros after '.', no trailing '.'.
    pub value: String,
    /// ISO 4217 code (money), unit symbol (quantity), "%"/"pp" (percent),
    /// singular unit name (duration), or the counted noun lower-cased as
    /// written, plural kept (count) so that "888 suspects" reads naturally.
    pub unit: String,
    /// "more than", "almost", ... as written, lower-cased.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    /// Upper bound of a range ("between 5 and 10 tonnes").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_max: Option<String>,
    /// Lemma of a counted noun where the recogniser knows it (Croatian,
    /// Serbian, Bosnian: "telefona" → "telefon"); JSONL only, not in CSV.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lemma: Option<String>,
}

impl Amount {
    /// The value as written in keys and canonicals: `lo-hi` for a range.
    pub fn value_or_range(&self) -> String {
        match &self.value_max {
            Some(max) => format!("{}-{max}", self.value),
            None => self.value.clone(),
        }
    }

    /// Normalised rendering, the canonical name of an amount entity:
    /// `EUR 4500000000`, `90 t`, `30 %`, `888 suspects`, `EUR 2000000-3000000`.
    pub fn canonical(&self) -> String {
        let value = self.value_or_range();
        match self.kind {
            AmountKind::Money => format!("{} {value}", self.unit),
            _ => format!("{value} {}", self.unit),
        }
    }
}

/// How a mention's or an entity's optional amount is laid out in records:
/// `amount_kind`, `value`, `unit` always (null without an amount), then
/// `qualifier`, `value_max` and `lemma` where they are set.
pub(super) mod columns {
    use super::{Amount, AmountKind};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Columns<'a> {
        amount_kind: Option<AmountKind>,
        #[serde(borrow)]
        value: Option<std::borrow::Cow<'a, str>>,
        #[serde(borrow)]
        unit: Option<std::borrow::Cow<'a, str>>,
        #[serde(default, skip_serializing_if = "Option::is_none", borrow)]
        qualifier: Option<std::borrow::Cow<'a, str>>,
        #[serde(default, skip_serializing_if = "Option::is_none", borrow)]
        value_max: Option<std::borrow::Cow<'a, str>>,
        #[serde(default, skip_serializing_if = "Option::is_none", borrow)]
        lemma: Option<std::borrow::Cow<'a, str>>,
    }

    pub fn serialize<S: Serializer>(amount: &Option<Amount>, s: S) -> Result<S::Ok, S::Error> {
        fn borrowed(v: &Option<String>) -> Option<std::borrow::Cow<'_, str>> {
            v.as_deref().map(Into::into)
        }
        Columns {
            amount_kind: amount.as_ref().map(|a| a.kind),
            value: amount.as_ref().map(|a| a.value.as_str().into()),
            unit: amount.as_ref().map(|a| a.unit.as_str().into()),
            qualifier: amount.as_ref().and_then(|a| borrowed(&a.qualifier)),
            value_max: amount.as_ref().and_then(|a| borrowed(&a.value_max)),
            lemma: amount.as_ref().and_then(|a| borrowed(&a.lemma)),
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Amount>, D::Error> {
        let c = Columns::deserialize(d)?;
        Ok(match (c.amount_kind, c.value, c.unit) {
            (Some(kind), Some(value), Some(unit)) => Some(Amount {
                kind,
                value: value.into_owned(),
                unit: unit.into_owned(),
                qualifier: c.qualifier.map(|q| q.into_owned()),
                value_max: c.value_max.map(|v| v.into_owned()),
                lemma: c.lemma.map(|v| v.into_owned()),
            }),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Row {
        #[serde(flatten, with = "columns")]
        amount: Option<Amount>,
    }

    fn amount(lemma: Option<&str>) -> Amount {
        Amount {
            kind: AmountKind::Count,
            value: "70000".into(),
            unit: "telefona".into(),
            qualifier: Some("oko".into()),
            value_max: None,
            lemma: lemma.map(Into::into),
        }
    }

    #[test]
    fn lemma_is_written_only_when_known() {
        let with = serde_json::to_string(&Row {
            amount: Some(amount(Some("telefon"))),
        })
        .unwrap();
        assert_eq!(
            with,
            r#"{"amount_kind":"count","value":"70000","unit":"telefona","qualifier":"oko","lemma":"telefon"}"#
        );
        let back: Row = serde_json::from_str(&with).unwrap();
        assert_eq!(back.amount, Some(amount(Some("telefon"))));
        let without = serde_json::to_string(&Row {
            amount: Some(amount(None)),
        })
        .unwrap();
        assert!(!without.contains("lemma"), "{without}");
    }
}

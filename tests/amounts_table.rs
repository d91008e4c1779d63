//! Table-driven tests for the AMOUNTS recogniser.
use nerpipe::doc::AmountKind;
use nerpipe::recognise::amounts::*;

/// (mention text, kind, value, unit, qualifier, value_max); "" means None.
type Exp = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const M: &str = "money";
const Q: &str = "quantity";
const P: &str = "percent";
const C: &str = "count";
const D: &str = "duration";

#[rustfmt::skip]
const CASES: &[(&str, &[Exp])] = &[
    // ---- money: symbols, codes, names -------------------------------------
    ("Police seized cash worth €4.5 billion.", &[("€4.5 billion", M, "4500000000", "EUR", "", "")]),
    ("The loan of USD 34.6 million was never repaid.", &[("USD 34.6 million", M, "34600000", "USD", "", "")]),
    ("A bribe of USD34.6m was paid.", &[("USD34.6m", M, "34600000", "USD", "", "")]),
    ("He paid EUR 2.3m in fees.", &[("EUR 2.3m", M, "2300000", "EUR", "", "")]),
    ("Each courier received 200 EUR per trip.", &[("200 EUR", M, "200", "EUR", "", "")]),
    ("The guard took 15 million dinars.", &[("15 million dinars", M, "15000000", "RSD", "", "")]),
    ("Officers found 100.000 KM in a car.", &[("100.000 KM", M, "100000", "BAM", "", "")]),
    ("A fine of KM 5,000 was imposed.", &[("KM 5,000", M, "5000", "BAM", "", "")]),
    ("The villa cost €2-3 million.", &[("€2-3 million", M, "2000000", "EUR", "", "3000000")]),
    ("She received $5 million from the fund.", &[("$5 million", M, "5000000", "USD", "", "")]),
    ("The firm paid US$ 12 million.", &[("US$ 12 million", M, "12000000", "USD", "", "")]),
    ("It raised C$10 million in Canada.", &[("C$10 million", M, "10000000", "CAD", "", "")]),
    ("Investors lost A$3.5m.", &[("A$3.5m", M, "3500000", "AUD", "", "")]),
    ("A NZ$200 payment was traced.", &[("NZ$200", M, "200", "NZD", "", "")]),
    ("The tower sold for HK$1.2 billion.", &[("HK$1.2 billion", M, "1200000000", "HKD", "", "")]),
    ("The scheme was worth £3.2bn.", &[("£3.2bn", M, "3200000000", "GBP", "", "")]),
    ("Losses reached ¥500 million.", &[("¥500 million", M, "500000000", "JPY", "", "")]),
    ("He laundered ₽20 million.", &[("₽20 million", M, "20000000", "RUB", "", "")]),
    ("The fee was ₺1,500.", &[("₺1,500", M, "1500", "TRY", "", "")]),
    ("A bribe of ₴10,000 was paid.", &[("₴10,000", M, "10000", "UAH", "", "")]),
    ("The tip was ₹5,000.", &[("₹5,000", M, "5000", "INR", "", "")]),
    ("He had spent 40 million lek on property.", &[("40 million lek", M, "40000000", "ALL", "", "")]),
    ("a monthly salary of ALL 95,000 only", &[("ALL 95,000", M, "95000", "ALL", "", "")]),
    ("The mayor declared 2 million lekë.", &[("2 million lekë", M, "2000000", "ALL", "", "")]),
    ("The berth cost 250,000 kuna.", &[("250,000 kuna", M, "250000", "HRK", "", "")]),
    ("A contract worth HRK 1.1 million was signed.", &[("HRK 1.1 million", M, "1100000", "HRK", "", "")]),
    ("The hospital paid 3 million denars.", &[("3 million denars", M, "3000000", "MKD", "", "")]),
    ("The tender was worth MKD 180 million.", &[("MKD 180 million", M, "180000000", "MKD", "", "")]),
    ("He received 1.8 million convertible marks.", &[("1.8 million convertible marks", M, "1800000", "BAM", "", "")]),
    ("The guard asked for 500 KM.", &[("500 KM", M, "500", "BAM", "", "")]),
    ("He wired 15 million Kuwaiti dinars.", &[("15 million Kuwaiti dinars", M, "15000000", "KWD", "", "")]),
    ("The deal involved 2 million Iraqi dinars.", &[("2 million Iraqi dinars", M, "2000000", "IQD", "", "")]),
    ("The dinar deal: 300 Serbian dinars.", &[("300 Serbian dinars", M, "300", "RSD", "", "")]),
    ("The bet was 10 pounds sterling.", &[("10 pounds sterling", M, "10", "GBP", "", "")]),
    ("The club paid 5 million pounds for him.", &[("5 million pounds", M, "5000000", "GBP", "", "")]),
    ("It cost 50 Swiss francs.", &[("50 Swiss francs", M, "50", "CHF", "", "")]),
    ("He owed 3 million roubles.", &[("3 million roubles", M, "3000000", "RUB", "", "")]),
    ("They moved 1 billion rubles.", &[("1 billion rubles", M, "1000000000", "RUB", "", "")]),
    ("The fine was 900 Turkish lira.", &[("900 Turkish lira", M, "900", "TRY", "", "")]),
    ("The plant cost 5 billion yuan.", &[("5 billion yuan", M, "5000000000", "CNY", "", "")]),
    ("The yacht cost 200 million yen.", &[("200 million yen", M, "200000000", "JPY", "", "")]),
    ("Couriers were paid 5,000 euros.", &[("5,000 euros", M, "5000", "EUR", "", "")]),
    ("He kept 20 million euro in cash.", &[("20 million euro", M, "20000000", "EUR", "", "")]),
    ("Half a million euros vanished.", &[("Half a million euros", M, "500000", "EUR", "", "")]),
    ("They asked for two million dollars.", &[("two million dollars", M, "2000000", "USD", "", "")]),
    ("He paid 20 US dollars.", &[("20 US dollars", M, "20", "USD", "", "")]),
    ("The fee was 300 Canadian dollars.", &[("300 Canadian dollars", M, "300", "CAD", "", "")]),
    ("Aid of 5 million U.S. dollars was pledged.", &[("5 million U.S. dollars", M, "5000000", "USD", "", "")]),
    ("They found 2 million Deutschmarks.", &[("2 million Deutschmarks", M, "2000000", "DEM", "", "")]),
    ("He hid 1,000 German marks.", &[("1,000 German marks", M, "1000", "DEM", "", "")]),
    ("The ticket cost 5€ only.", &[("5€", M, "5", "EUR", "", "")]),
    ("A transfer of $1.2 million was flagged.", &[("$1.2 million", M, "1200000", "USD", "", "")]),
    ("The bakery owed RSD 400,000 in tax.", &[("RSD 400,000", M, "400000", "RSD", "", "")]),
    ("A loan of RSD 4.2 million was approved.", &[("RSD 4.2 million", M, "4200000", "RSD", "", "")]),
    ("The bribe was €0.5 million.", &[("€0.5 million", M, "500000", "EUR", "", "")]),
    ("He was paid €10k a month.", &[("€10k", M, "10000", "EUR", "", "")]),
    ("The invoice said €1,234.56 exactly.", &[("€1,234.56", M, "1234.56", "EUR", "", "")]),
    ("The invoice said €1.234,56 exactly.", &[("€1.234,56", M, "1234.56", "EUR", "", "")]),
    ("The price was €\u{a0}25 per gram.", &[("€\u{a0}25", M, "25", "EUR", "", "")]),
    ("Prices ranged from $5m-$10m.", &[("$5m-$10m", M, "5000000", "USD", "", "10000000")]),
    ("Damages of €2 million to €3 million were sought.", &[("€2 million to €3 million", M, "2000000", "EUR", "", "3000000")]),
    ("The budget was $1 trillion.", &[("$1 trillion", M, "1000000000000", "USD", "", "")]),
    ("The sum was 1.000.000 dinars.", &[("1.000.000 dinars", M, "1000000", "RSD", "", "")]),
    ("It cost 2,5 million euros.", &[("2,5 million euros", M, "2500000", "EUR", "", "")]),
    ("A payment of 4,5 mln euros was made.", &[("4,5 mln euros", M, "4500000", "EUR", "", "")]),
    ("The fund held 3bn euros.", &[("3bn euros", M, "3000000000", "EUR", "", "")]),
    ("He stole 5m euros.", &[("5m euros", M, "5000000", "EUR", "", "")]),
    ("A debt of one million euros remained.", &[("one million euros", M, "1000000", "EUR", "", "")]),
    ("He paid 1,500 kn for the room.", &[("1,500 kn", M, "1500", "HRK", "", "")]),
    ("A loan of $3 mn was approved.", &[("$3 mn", M, "3000000", "USD", "", "")]),
    ("He left 5 thousand euros.", &[("5 thousand euros", M, "5000", "EUR", "", "")]),
    ("The flat cost 4 million Hong Kong dollars.", &[("4 million Hong Kong dollars", M, "4000000", "HKD", "", "")]),
    ("Bribes of 200 EUR per lorry could exceed half a million convertible marks.", &[("200 EUR", M, "200", "EUR", "", ""), ("half a million convertible marks", M, "500000", "BAM", "", "")]),
    // ---- money with qualifiers ---------------------------------------------
    ("Investors lost more than €40 million.", &[("more than €40 million", M, "40000000", "EUR", "more than", "")]),
    ("The house is worth nearly €1.5 million.", &[("nearly €1.5 million", M, "1500000", "EUR", "nearly", "")]),
    ("Fines of up to €900,000 apply.", &[("up to €900,000", M, "900000", "EUR", "up to", "")]),
    ("He took at least €80,000 in bribes.", &[("at least €80,000", M, "80000", "EUR", "at least", "")]),
    ("The firm made over €70 million.", &[("over €70 million", M, "70000000", "EUR", "over", "")]),
    ("The cargo was worth almost €4.5 billion.", &[("almost €4.5 billion", M, "4500000000", "EUR", "almost", "")]),
    ("Fees were between €5 million and €10 million.", &[("between €5 million and €10 million", M, "5000000", "EUR", "", "10000000")]),
    ("They paid around $300,000.", &[("around $300,000", M, "300000", "USD", "around", "")]),
    ("Assets in excess of €1 million were frozen.", &[("in excess of €1 million", M, "1000000", "EUR", "in excess of", "")]),
    ("He made well over €1 million.", &[("well over €1 million", M, "1000000", "EUR", "well over", "")]),
    ("The fine was at least 100.000 KM.", &[("at least 100.000 KM", M, "100000", "BAM", "at least", "")]),
    ("The bill came to approximately USD 2 million.", &[("approximately USD 2 million", M, "2000000", "USD", "approximately", "")]),
    // ---- quantities --------------------------------------------------------
    ("Police seized more than 90 tonnes of cocaine.", &[("more than 90 tonnes", Q, "90", "t", "more than", "")]),
    ("Customs found 1.2 tonnes in a container.", &[("1.2 tonnes", Q, "1.2", "t", "", "")]),
    ("Agents seized 350 kg of heroin.", &[("350 kg", Q, "350", "kg", "", "")]),
    ("They unloaded 2,000 kilograms.", &[("2,000 kilograms", Q, "2000", "kg", "", "")]),
    ("The courier carried 500 g of cocaine.", &[("500 g", Q, "500", "g", "", "")]),
    ("The boat had 400 litres of fuel.", &[("400 litres", Q, "400", "l", "", "")]),
    ("The marina is 12 km from town.", &[("12 km", Q, "12", "km", "", "")]),
    ("A bag of 5kg was found.", &[("5kg", Q, "5", "kg", "", "")]),
    ("He sold 3 kilos of heroin.", &[("3 kilos", Q, "3", "kg", "", "")]),
    ("A 2 lb brick was found.", &[("2 lb", Q, "2", "lb", "", "")]),
    ("They seized 5 pounds of cocaine.", &[("5 pounds", Q, "5", "lb", "", "")]),
    ("Agents found 10 lbs of meth.", &[("10 lbs", Q, "10", "lb", "", "")]),
    ("A vial of 5 ml was seized.", &[("5 ml", Q, "5", "ml", "", "")]),
    ("The tunnel was 300 metres long.", &[("300 metres", Q, "300", "m", "", "")]),
    ("The fence runs 300 m along the border.", &[("300 m", Q, "300", "m", "", "")]),
    ("The farm covers 40 hectares.", &[("40 hectares", Q, "40", "ha", "", "")]),
    ("The estate covers 5 km2.", &[("5 km2", Q, "5", "km2", "", "")]),
    ("The lake covers 12 km².", &[("12 km²", Q, "12", "km2", "", "")]),
    ("Fire destroyed 3 square kilometres of forest.", &[("3 square kilometres", Q, "3", "km2", "", "")]),
    ("The ship carried 7 metric tons.", &[("7 metric tons", Q, "7", "t", "", "")]),
    ("They moved 2 tons of cannabis.", &[("2 tons", Q, "2", "t", "", "")]),
    ("They moved 250 grams of cocaine.", &[("250 grams", Q, "250", "g", "", "")]),
    ("A tank of 20 liters was found.", &[("20 liters", Q, "20", "l", "", "")]),
    ("The plot of 5 ha was sold.", &[("5 ha", Q, "5", "ha", "", "")]),
    ("The border is 10 miles away.", &[("10 miles", Q, "10", "mi", "", "")]),
    ("Police found 1,234.5 kg in total.", &[("1,234.5 kg", Q, "1234.5", "kg", "", "")]),
    ("Police found 1.234,5 kg in total.", &[("1.234,5 kg", Q, "1234.5", "kg", "", "")]),
    ("Police found 0.125 kg in total.", &[("0.125 kg", Q, "0.125", "kg", "", "")]),
    ("They found 1 234 kg of resin.", &[("1 234 kg", Q, "1234", "kg", "", "")]),
    ("The cargo was 5–10 tonnes.", &[("5–10 tonnes", Q, "5", "t", "", "10")]),
    ("The cargo was 5-10 tonnes.", &[("5-10 tonnes", Q, "5", "t", "", "10")]),
    ("The cargo was 5 to 10 tonnes.", &[("5 to 10 tonnes", Q, "5", "t", "", "10")]),
    ("The cargo was between 5 and 10 tonnes.", &[("between 5 and 10 tonnes", Q, "5", "t", "", "10")]),
    ("Agents seized around 700 kg.", &[("around 700 kg", Q, "700", "kg", "around", "")]),
    ("They seized approximately 300 kg.", &[("approximately 300 kg", Q, "300", "kg", "approximately", "")]),
    ("He carried less than 5 kg.", &[("less than 5 kg", Q, "5", "kg", "less than", "")]),
    ("Divers recovered close to 50 tonnes.", &[("close to 50 tonnes", Q, "50", "t", "close to", "")]),
    ("The haul was just over 2 tonnes.", &[("just over 2 tonnes", Q, "2", "t", "just over", "")]),
    ("They found two tonnes of resin.", &[("two tonnes", Q, "2", "t", "", "")]),
    ("A 5-tonne truck was stopped.", &[("5-tonne", Q, "5", "t", "", "")]),
    // ---- percent -----------------------------------------------------------
    ("Sales fell 30% last year.", &[("30%", P, "30", "%", "", "")]),
    ("Sales fell 30\u{a0}% last year.", &[("30\u{a0}%", P, "30", "%", "", "")]),
    ("Sales fell 30 per cent last year.", &[("30 per cent", P, "30", "%", "", "")]),
    ("Sales fell 30 percent last year.", &[("30 percent", P, "30", "%", "", "")]),
    ("Sales fell thirty percent last year.", &[("thirty percent", P, "30", "%", "", "")]),
    ("Rates rose 2 percentage points.", &[("2 percentage points", P, "2", "pp", "", "")]),
    ("Rates rose 2.5 percentage points.", &[("2.5 percentage points", P, "2.5", "pp", "", "")]),
    ("The fee is 0.25% of turnover.", &[("0.25%", P, "0.25", "%", "", "")]),
    ("Only about 25% were checked.", &[("about 25%", P, "25", "%", "about", "")]),
    ("They own at least 25% of the firm.", &[("at least 25%", P, "25", "%", "at least", "")]),
    ("Support fell to nearly 40%.", &[("nearly 40%", P, "40", "%", "nearly", "")]),
    ("Growth was 4.5 per cent.", &[("4.5 per cent", P, "4.5", "%", "", "")]),
    ("Prices rose 5-10% this year.", &[("5-10%", P, "5", "%", "", "10")]),
    ("Turnout rose roughly 20%.", &[("roughly 20%", P, "20", "%", "roughly", "")]),
    ("Only one percent of containers are scanned.", &[("one percent", P, "1", "%", "", "")]),
    ("Inflation hit 12,5% in March.", &[("12,5%", P, "12.5", "%", "", "")]),
    // ---- counts ------------------------------------------------------------
    ("Europol said 888 suspects were arrested.", &[("888 suspects", C, "888", "suspects", "", "")]),
    ("Police cracked 70\u{a0}000 phones.", &[("70\u{a0}000 phones", C, "70000", "phones", "", "")]),
    ("Police cracked 70\u{202f}000 phones.", &[("70\u{202f}000 phones", C, "70000", "phones", "", "")]),
    ("Police cracked 70 000 phones.", &[("70 000 phones", C, "70000", "phones", "", "")]),
    ("They read 80 million messages.", &[("80 million messages", C, "80000000", "messages", "", "")]),
    ("The raid led to 19 people being charged.", &[("19 people", C, "19", "people", "", "")]),
    ("Afterwards a dozen officers arrived.", &[("a dozen officers", C, "12", "officers", "", "")]),
    ("Police charged nineteen people.", &[("nineteen people", C, "19", "people", "", "")]),
    ("They intercepted two million messages.", &[("two million messages", C, "2000000", "messages", "", "")]),
    ("Police questioned twelve suspects.", &[("twelve suspects", C, "12", "suspects", "", "")]),
    ("Then a hundred officers stormed in.", &[("a hundred officers", C, "100", "officers", "", "")]),
    ("More than 60 officers took part.", &[("More than 60 officers", C, "60", "officers", "more than", "")]),
    ("The hospital bought 48 ventilators.", &[("48 ventilators", C, "48", "ventilators", "", "")]),
    ("The port handles over 1 million containers.", &[("over 1 million containers", C, "1000000", "containers", "over", "")]),
    ("Yesterday 20 police officers raided the club.", &[("20 police officers", C, "20", "officers", "", "")]),
    ("They arrested 12 Albanian nationals.", &[("12 Albanian nationals", C, "12", "nationals", "", "")]),
    ("Witnesses saw 20 armed men.", &[("20 armed men", C, "20", "men", "", "")]),
    ("The list named 1,234 people.", &[("1,234 people", C, "1234", "people", "", "")]),
    ("The boat carried some 500 migrants.", &[("some 500 migrants", C, "500", "migrants", "some", "")]),
    ("Police held 5 to 10 people.", &[("5 to 10 people", C, "5", "people", "", "10")]),
    ("Police held between 20 and 30 suspects.", &[("between 20 and 30 suspects", C, "20", "suspects", "", "30")]),
    ("The gang had twenty-five members.", &[("twenty-five members", C, "25", "members", "", "")]),
    ("They evicted one hundred and fifty people.", &[("one hundred and fifty people", C, "150", "people", "", "")]),
    ("The unit had two dozen officers.", &[("two dozen officers", C, "24", "officers", "", "")]),
    ("They caught half a dozen suspects.", &[("half a dozen suspects", C, "6", "suspects", "", "")]),
    ("The festival drew 2.500 people.", &[("2.500 people", C, "2500", "people", "", "")]),
    ("The app has 5m users.", &[("5m users", C, "5000000", "users", "", "")]),
    ("The app has 10k users.", &[("10k users", C, "10000", "users", "", "")]),
    ("As many as 300 officers took part.", &[("As many as 300 officers", C, "300", "officers", "as many as", "")]),
    ("There were fewer than 10 witnesses.", &[("fewer than 10 witnesses", C, "10", "witnesses", "fewer than", "")]),
    ("He met no more than 5 people.", &[("no more than 5 people", C, "5", "people", "no more than", "")]),
    ("An estimated 3,000 people protested.", &[("An estimated 3,000 people", C, "3000", "people", "an estimated", "")]),
    ("Some 2000 people protested.", &[("Some 2000 people", C, "2000", "people", "some", "")]),
    ("The port handled 19 containers.", &[("19 containers", C, "19", "containers", "", "")]),
    ("The bakeries employ 85 workers.", &[("85 workers", C, "85", "workers", "", "")]),
    ("Only 4 officers were charged.", &[("4 officers", C, "4", "officers", "", "")]),
    ("They bribed two customs officers.", &[("two customs officers", C, "2", "officers", "", "")]),
    ("Police seized 12 luxury cars.", &[("12 luxury cars", C, "12", "cars", "", "")]),
    ("Police held 20 drug dealers.", &[("20 drug dealers", C, "20", "dealers", "", "")]),
    ("Police found 23 automatic rifles.", &[("23 automatic rifles", C, "23", "rifles", "", "")]),
    ("Police arrested 5 and charged 3 of them.", &[]),
    ("Of the 23 people charged, 18 defendants appeared.", &[("23 people", C, "23", "people", "", ""), ("18 defendants", C, "18", "defendants", "", "")]),
    // ---- durations ---------------------------------------------------------
    ("Suspects can be held for 48 hours.", &[("48 hours", D, "48", "hour", "", "")]),
    ("The scan takes 30 seconds.", &[("30 seconds", D, "30", "second", "", "")]),
    ("He was jailed for six months.", &[("six months", D, "6", "month", "", "")]),
    ("The hearing lasted 40 minutes.", &[("40 minutes", D, "40", "minute", "", "")]),
    ("He has 30 days to appeal.", &[("30 days", D, "30", "day", "", "")]),
    ("He was sentenced to 10 years.", &[("10 years", D, "10", "year", "", "")]),
    ("He faces up to 15 years.", &[("up to 15 years", D, "15", "year", "up to", "")]),
    ("The probe took two weeks.", &[("two weeks", D, "2", "week", "", "")]),
    ("He got a 10-year sentence.", &[("10-year", D, "10", "year", "", "")]),
    ("Detention is limited to 48h.", &[("48h", D, "48", "hour", "", "")]),
    ("The clan ruled for 3 decades.", &[("3 decades", D, "3", "decade", "", "")]),
    ("The probe lasted 2.5 years.", &[("2.5 years", D, "2.5", "year", "", "")]),
    ("They talked for under 18 minutes.", &[("under 18 minutes", D, "18", "minute", "under", "")]),
    ("Trials take 2-3 years.", &[("2-3 years", D, "2", "year", "", "3")]),
    // ---- document-level separator conventions ------------------------------
    ("Inflation was 2,5 percent and 1.234 tonnes were seized.", &[("2,5 percent", P, "2.5", "%", "", ""), ("1.234 tonnes", Q, "1234", "t", "", "")]),
    ("Inflation was 2.5 percent and 1.234 tonnes were seized.", &[("2.5 percent", P, "2.5", "%", "", ""), ("1.234 tonnes", Q, "1.234", "t", "", "")]),
    ("Inflation was 3,5 percent and 1,234 tonnes were seized.", &[("3,5 percent", P, "3.5", "%", "", ""), ("1,234 tonnes", Q, "1.234", "t", "", "")]),
    ("Inflation was 3.5 percent and 1,234 tonnes were seized.", &[("3.5 percent", P, "3.5", "%", "", ""), ("1,234 tonnes", Q, "1234", "t", "", "")]),
    ("The bill was 1.500 KM, or 12.345 dinars.", &[("1.500 KM", M, "1500", "BAM", "", ""), ("12.345 dinars", M, "12345", "RSD", "", "")]),
    ("The sum of 1,000,000 euros was paid.", &[("1,000,000 euros", M, "1000000", "EUR", "", "")]),
    ("The sum of 12\u{202f}000\u{202f}000 euros was paid.", &[("12\u{202f}000\u{202f}000 euros", M, "12000000", "EUR", "", "")]),
    // ---- several in one sentence -------------------------------------------
    ("In 2021 police seized 1.5 tonnes and €2 million and arrested 14 people.", &[("1.5 tonnes", Q, "1.5", "t", "", ""), ("€2 million", M, "2000000", "EUR", "", ""), ("14 people", C, "14", "people", "", "")]),
    ("On 3 May 2021, 30% of the 888 suspects got 6 months.", &[("30%", P, "30", "%", "", ""), ("888 suspects", C, "888", "suspects", "", ""), ("6 months", D, "6", "month", "", "")]),
    ("He earned €120,000 and spent €7.4 million (nearly 40%) in 30 days.", &[("€120,000", M, "120000", "EUR", "", ""), ("€7.4 million", M, "7400000", "EUR", "", ""), ("nearly 40%", P, "40", "%", "nearly", ""), ("30 days", D, "30", "day", "", "")]),
    ("Sky ECC had 70 000 phones, 80 million messages and about 25% of users in the Balkans.6", &[("70 000 phones", C, "70000", "phones", "", ""), ("80 million messages", C, "80000000", "messages", "", ""), ("about 25%", P, "25", "%", "about", "")]),
    // ---- negatives: dates and years ----------------------------------------
    ("The law was passed in 2021.", &[]),
    ("In 2021 police raided the port.", &[]),
    ("The 2019 elections were rigged.", &[]),
    ("It happened in March 2022.", &[]),
    ("It happened in June 2014 and January 2021.", &[]),
    ("Losses in the 2020/21 season were high.", &[]),
    ("Smuggling boomed in the 1990s.", &[]),
    ("The hearing is on 12 March.", &[]),
    ("He was arrested on 3 May 2021.", &[]),
    ("Profits from 2019 to 2021 rose.", &[]),
    ("Profits between 2019 and 2021 rose.", &[]),
    ("The 2015-2020 strategy failed.", &[]),
    // ---- negatives: footnote markers ---------------------------------------
    ("This was observed in spring 2020.4 The report", &[]),
    ("Crime networks in the Balkans.6 Police said", &[]),
    ("The system is impenetrable,1 experts say", &[]),
    ("The minister said.12 The prosecutor", &[]),
    ("Loans were used as collateral.3 Then", &[]),
    // ---- negatives: ordinals, phones, times --------------------------------
    ("The 3rd hearing was postponed.", &[]),
    ("Crime in the 21st century is digital.", &[]),
    ("Call +381 11 123 4567 for details.", &[]),
    ("Call 011/123-456 for details.", &[]),
    ("The raid began at 14:30 local time.", &[]),
    ("The raid began at 02:15.", &[]),
    ("They met at 9 am on Friday.", &[]),
    ("They met at 9 a.m. on Friday.", &[]),
    // ---- negatives: names, versions, references ----------------------------
    ("Police launched operation Storage 2 last year.", &[]),
    ("Operation Storage 2 targeted smugglers.", &[]),
    ("Under Article 5 of the law, assets can be seized.", &[]),
    ("COVID-19 cases rose in the prison.", &[]),
    ("The G7 summit discussed money laundering.", &[]),
    ("Many Windows 10 users were hacked.", &[]),
    ("The app v2.1 leaked data.", &[]),
    ("The app, version 3.0, leaked data.", &[]),
    ("The office is at Bulevar Kralja Aleksandra 73 in Belgrade.", &[]),
    ("He lives at 12 Main Street.", &[]),
    ("See page 12 of the indictment.", &[]),
    ("See paragraph 4 of the ruling.", &[]),
    ("The ruling in case no. 123/2020 was upheld.", &[]),
    ("He filed for Chapter 11 protection.", &[]),
    ("The plane, flight 714, landed.", &[]),
    // ---- negatives: no counted noun ----------------------------------------
    ("One of the suspects fled.", &[]),
    ("A man was arrested.", &[]),
    ("The two were seen together.", &[]),
    ("Police arrested 5 of the suspects.", &[]),
    ("He scored 2-1 in the final.", &[]),
    ("A 25-year-old man was arrested.", &[]),
    ("He is 40 years old.", &[]),
    ("The suspect, 34, was held.", &[]),
    ("Millions of euros were lost.", &[]),
    ("Dozens of officers took part.", &[]),
    ("He was the first of three to testify.", &[]),
    ("Police seized 1,000 in total.", &[]),
];

fn show(rows: &[[String; 6]]) -> String {
    if rows.is_empty() {
        return "    (nothing)\n".into();
    }
    rows.iter()
        .map(|r| {
            format!(
                "    {:?} kind={} value={} unit={:?} qualifier={:?} value_max={:?}\n",
                r[0], r[1], r[2], r[3], r[4], r[5]
            )
        })
        .collect()
}

#[test]
fn table_has_enough_cases() {
    assert!(CASES.len() >= 170, "only {} cases", CASES.len());
    let negatives = CASES.iter().filter(|(_, e)| e.is_empty()).count();
    assert!(negatives >= 40, "only {negatives} negatives");
}

#[test]
fn table() {
    let mut failures = String::new();
    let mut n_fail = 0;
    for (text, exp) in CASES {
        let found = find_amounts(text);
        for m in &found {
            assert!(
                text.is_char_boundary(m.start) && text.is_char_boundary(m.end) && m.start < m.end
            );
            assert_ne!(m.qualifier.as_deref(), Some(""));
        }
        let got: Vec<[String; 6]> = found
            .iter()
            .map(|m| {
                [
                    text[m.start..m.end].to_string(),
                    m.kind.as_str().to_string(),
                    m.value.clone(),
                    m.unit.clone(),
                    m.qualifier.clone().unwrap_or_default(),
                    m.value_max.clone().unwrap_or_default(),
                ]
            })
            .collect();
        let want: Vec<[String; 6]> = exp
            .iter()
            .map(|e| [e.0, e.1, e.2, e.3, e.4, e.5].map(String::from))
            .collect();
        if got != want {
            n_fail += 1;
            failures.push_str(&format!(
                "\n{text:?}\n  expected:\n{}  got:\n{}",
                show(&want),
                show(&got)
            ));
        }
    }
    assert!(
        n_fail == 0,
        "{n_fail} of {} cases failed:{failures}",
        CASES.len()
    );
}

#[test]
fn canonical_forms() {
    let c = |t: &str| {
        find_amounts(t)
            .iter()
            .map(|m| m.canonical())
            .collect::<Vec<_>>()
    };
    assert_eq!(c("worth €4.5 billion"), ["EUR 4500000000"]);
    assert_eq!(c("more than 90 tonnes"), ["90 t"]);
    assert_eq!(c("up 30 %"), ["30 %"]);
    assert_eq!(c("held 888 suspects"), ["888 suspects"]);
    assert_eq!(c("for 48 hours"), ["48 hour"]);
    assert_eq!(c("cost €2-3 million"), ["EUR 2000000-3000000"]);
    assert_eq!(AmountKind::Money.as_str(), "money");
    assert_eq!(AmountKind::Quantity.as_str(), "quantity");
    assert_eq!(AmountKind::Percent.as_str(), "percent");
    assert_eq!(AmountKind::Count.as_str(), "count");
    assert_eq!(AmountKind::Duration.as_str(), "duration");
}

#[test]
fn offsets_are_bytes_into_unicode_text() {
    let text =
        "Šef policije: „Zaplijenjeno je 1,5 tonna” — in English, police seized €4.5 billion.";
    let ms = find_amounts(text);
    assert_eq!(ms.len(), 1, "{ms:?}");
    assert_eq!(&text[ms[0].start..ms[0].end], "€4.5 billion");
}

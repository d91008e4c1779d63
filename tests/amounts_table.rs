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

/// Issue 15, English: currencies, subunits, imperial units, adjectival
/// forms, fractions, percent wordings, and what is not an amount.
#[rustfmt::skip]
const WIDE: &[(&str, &[Exp])] = &[
    // ---- currencies ---------------------------------------------------------
    ("The deal was worth 4 billion finnish markka.", &[("4 billion finnish markka", M, "4000000000", "FIM", "", "")]),
    ("Nokia paid 300 million Finnish markkaa.", &[("300 million Finnish markkaa", M, "300000000", "FIM", "", "")]),
    ("it raised hk $ 10.05 billion from investors", &[("hk $ 10.05 billion", M, "10050000000", "HKD", "", "")]),
    ("a loss of c $ 16.4 million last year", &[("c $ 16.4 million", M, "16400000", "CAD", "", "")]),
    ("sales of us $ 5 million were reported", &[("us $ 5 million", M, "5000000", "USD", "", "")]),
    ("the fund holds NZ $ 2 billion", &[("NZ $ 2 billion", M, "2000000000", "NZD", "", "")]),
    ("He paid 500 australian dollars.", &[("500 australian dollars", M, "500", "AUD", "", "")]),
    ("They owed 2 million canadian dollars.", &[("2 million canadian dollars", M, "2000000", "CAD", "", "")]),
    ("The yacht cost 3 million new zealand dollars.", &[("3 million new zealand dollars", M, "3000000", "NZD", "", "")]),
    ("A flat cost 12 million Hong Kong dollars.", &[("12 million Hong Kong dollars", M, "12000000", "HKD", "", "")]),
    ("It cost 50 swiss francs.", &[("50 swiss francs", M, "50", "CHF", "", "")]),
    ("A ticket was 200 pesetas.", &[("200 pesetas", M, "200", "ESP", "", "")]),
    ("The painting sold for 1.5 million guilders.", &[("1.5 million guilders", M, "1500000", "NLG", "", "")]),
    ("He was fined 20,000 rupees.", &[("20,000 rupees", M, "20000", "INR", "", "")]),
    ("The port earned 4 billion Sri Lankan rupees.", &[("4 billion Sri Lankan rupees", M, "4000000000", "LKR", "", "")]),
    ("Traffickers paid 2 million sri lankan rupees.", &[("2 million sri lankan rupees", M, "2000000", "LKR", "", "")]),
    ("Police found 300 million Pakistani rupees.", &[("300 million Pakistani rupees", M, "300000000", "PKR", "", "")]),
    ("The cartel moved 90 million pesos.", &[("90 million pesos", M, "90000000", "MXN", "", "")]),
    ("The bribe was 5 million Colombian pesos.", &[("5 million Colombian pesos", M, "5000000", "COP", "", "")]),
    ("A visa cost 10,000 Philippine pesos.", &[("10,000 Philippine pesos", M, "10000", "PHP", "", "")]),
    ("The villa was bought for 400 million lira in 1990.", &[("400 million lira", M, "400000000", "ITL", "", "")]),
    ("The fine was 9,000 Turkish lira.", &[("9,000 Turkish lira", M, "9000", "TRY", "", "")]),
    ("The driver was paid 500 lari.", &[("500 lari", M, "500", "GEL", "", "")]),
    ("A room cost 80,000 kip.", &[("80,000 kip", M, "80000", "LAK", "", "")]),
    ("The permit cost 15,000 colones.", &[("15,000 colones", M, "15000", "CRC", "", "")]),
    ("Fees rose to 2,000 colón.", &[("2,000 colón", M, "2000", "CRC", "", "")]),
    ("The ransom was 10 bitcoin.", &[("10 bitcoin", M, "10", "BTC", "", "")]),
    ("He held 2.5 bitcoins in a wallet.", &[("2.5 bitcoins", M, "2.5", "BTC", "", "")]),
    ("The wallet held BTC 12.5 at seizure.", &[("BTC 12.5", M, "12.5", "BTC", "", "")]),
    ("Investigators traced ₿3.2 to the exchange.", &[("₿3.2", M, "3.2", "BTC", "", "")]),
    ("The fine was ZAR 50,000.", &[("ZAR 50,000", M, "50000", "ZAR", "", "")]),
    ("He sent 2 million Egyptian pounds.", &[("2 million Egyptian pounds", M, "2000000", "EGP", "", "")]),
    ("They paid 1,000 Danish kroner.", &[("1,000 Danish kroner", M, "1000", "DKK", "", "")]),
    ("Bail was set at 50,000 shekels.", &[("50,000 shekels", M, "50000", "ILS", "", "")]),
    ("The contract was worth 3 billion forints.", &[("3 billion forints", M, "3000000000", "HUF", "", "")]),
    ("The fee was 40 million Iranian riyals.", &[("40 million Iranian riyals", M, "40000000", "IRR", "", "")]),
    ("It cost 2 million Argentine pesos.", &[("2 million Argentine pesos", M, "2000000", "ARS", "", "")]),
    ("A fine of Rs 5,000 was imposed.", &[("Rs 5,000", M, "5000", "INR", "", "")]),
    // ---- subunits: the value in the main unit -------------------------------
    ("Shares fell 50 cents.", &[("50 cents", M, "0.5", "USD", "", "")]),
    ("The price rose 1.20 cents a litre.", &[("1.20 cents", M, "0.012", "USD", "", "")]),
    ("Stamps cost 3 pence more.", &[("3 pence", M, "0.03", "GBP", "", "")]),
    ("He would not pay a penny.", &[("a penny", M, "0.01", "GBP", "", "")]),
    ("Not a cent was returned.", &[("a cent", M, "0.01", "USD", "", "")]),
    ("The fee is 40 euro cents per call.", &[("40 euro cents", M, "0.4", "EUR", "", "")]),
    ("Each share gained 99 cents.", &[("99 cents", M, "0.99", "USD", "", "")]),
    ("The tax is 12 pence per litre.", &[("12 pence", M, "0.12", "GBP", "", "")]),
    ("He paid 75 pennies.", &[("75 pennies", M, "0.75", "GBP", "", "")]),
    ("The fee was 1,000 satoshis.", &[("1,000 satoshis", M, "0.00001", "BTC", "", "")]),
    ("A tip of 500 satoshi was sent.", &[("500 satoshi", M, "0.000005", "BTC", "", "")]),
    ("Bread cost 30 kopecks.", &[("30 kopecks", M, "0.3", "RUB", "", "")]),
    ("The bonus was two cents a share.", &[("two cents", M, "0.02", "USD", "", "")]),
    ("Prices rose by 5 to 10 cents.", &[("5 to 10 cents", M, "0.05", "USD", "", "0.1")]),
    ("It cost 250 cents.", &[("250 cents", M, "2.5", "USD", "", "")]),
    // ---- imperial and other units -------------------------------------------
    ("The blade was 6 inches long.", &[("6 inches", Q, "6", "in", "", "")]),
    ("The tunnel ran 300 feet under the border.", &[("300 feet", Q, "300", "ft", "", "")]),
    ("A wall 12 foot high was built.", &[("12 foot", Q, "12", "ft", "", "")]),
    ("The boat was 100 yards offshore.", &[("100 yards", Q, "100", "yd", "", "")]),
    ("They drove 40 miles to the border.", &[("40 miles", Q, "40", "mi", "", "")]),
    ("Police found 16 ounces of heroin.", &[("16 ounces", Q, "16", "oz", "", "")]),
    ("Agents seized 5 pounds of cocaine.", &[("5 pounds", Q, "5", "lb", "", "")]),
    ("The suspect weighed 200 pounds.", &[("200 pounds", Q, "200", "lb", "", "")]),
    ("The package weighs 3 pounds.", &[("3 pounds", Q, "3", "lb", "", "")]),
    ("Each bag held 2 lbs of cannabis.", &[("2 lbs", Q, "2", "lb", "", "")]),
    ("The farm covered 300 acres.", &[("300 acres", Q, "300", "acre", "", "")]),
    ("The warehouse had 50,000 square feet of space.", &[("50,000 square feet", Q, "50000", "ft2", "", "")]),
    ("The reserve covers 20 square miles.", &[("20 square miles", Q, "20", "mi2", "", "")]),
    ("The office is 2,400 sq ft.", &[("2,400 sq ft", Q, "2400", "ft2", "", "")]),
    ("The tank held 500 gallons of fuel.", &[("500 gallons", Q, "500", "gal", "", "")]),
    ("Output reached 2 million barrels a day.", &[("2 million barrels", Q, "2000000", "bbl", "", "")]),
    ("They drank 4 pints each.", &[("4 pints", Q, "4", "pt", "", "")]),
    ("The ship carried 3,000 cubic metres of gas.", &[("3,000 cubic metres", Q, "3000", "m3", "", "")]),
    ("The spill covered 1.5 cubic meters.", &[("1.5 cubic meters", Q, "1.5", "m3", "", "")]),
    ("The forest lost 200 hectares.", &[("200 hectares", Q, "200", "ha", "", "")]),
    ("The cave was 12 metres deep.", &[("12 metres", Q, "12", "m", "", "")]),
    ("The knife was 20 cm long.", &[("20 cm", Q, "20", "cm", "", "")]),
    ("Rain reached 40 mm overnight.", &[("40 mm", Q, "40", "mm", "", "")]),
    ("A net of 2 nautical miles was cast.", &[("2 nautical miles", Q, "2", "nmi", "", "")]),
    ("The plot is 500 m² in size.", &[("500 m²", Q, "500", "m2", "", "")]),
    ("The hold is 40 m³.", &[("40 m³", Q, "40", "m3", "", "")]),
    ("They ran three miles.", &[("three miles", Q, "3", "mi", "", "")]),
    ("The haul weighed 10 tons.", &[("10 tons", Q, "10", "t", "", "")]),
    ("The yacht is 120 ft long.", &[("120 ft", Q, "120", "ft", "", "")]),
    ("A barrel costs 80 dollars; they bought 100 barrels.", &[("80 dollars", M, "80", "USD", "", ""), ("100 barrels", Q, "100", "bbl", "", "")]),
    ("They grew it on 45 acres near the river.", &[("45 acres", Q, "45", "acre", "", "")]),
    ("The field was between 10 and 20 acres.", &[("between 10 and 20 acres", Q, "10", "acre", "", "20")]),
    // ---- adjectival forms ---------------------------------------------------
    ("He carried a 3-inch blade.", &[("3-inch", Q, "3", "in", "", "")]),
    ("They found a 68-ounce bottle.", &[("68-ounce", Q, "68", "oz", "", "")]),
    ("The 45-acre farm was seized.", &[("45-acre", Q, "45", "acre", "", "")]),
    ("Police stopped a 10-tonne truck.", &[("10-tonne", Q, "10", "t", "", "")]),
    ("A 20-foot container was opened.", &[("20-foot", Q, "20", "ft", "", "")]),
    ("The 5-pound bag was weighed.", &[("5-pound", Q, "5", "lb", "", "")]),
    ("A 2-mile tunnel ran under the border.", &[("2-mile", Q, "2", "mi", "", "")]),
    ("A 40-gallon drum was found.", &[("40-gallon", Q, "40", "gal", "", "")]),
    ("The 200-yard dash was cancelled.", &[("200-yard", Q, "200", "yd", "", "")]),
    ("A 500-hectare estate was sold.", &[("500-hectare", Q, "500", "ha", "", "")]),
    ("A 12-metre boat was seized.", &[("12-metre", Q, "12", "m", "", "")]),
    ("The 48-hour deadline passed.", &[("48-hour", D, "48", "hour", "", "")]),
    ("A 3-kilogram package was found.", &[("3-kilogram", Q, "3", "kg", "", "")]),
    ("The 6-inch gun was loaded.", &[("6-inch", Q, "6", "in", "", "")]),
    ("A 1-ton load crossed.", &[("1-ton", Q, "1", "t", "", "")]),
    // ---- mixed numbers and fractions ----------------------------------------
    ("They walked 10 1/2 miles.", &[("10 1/2 miles", Q, "10.5", "mi", "", "")]),
    ("The load was 2½ tonnes.", &[("2½ tonnes", Q, "2.5", "t", "", "")]),
    ("Three quarters of a million euros vanished.", &[("Three quarters of a million euros", M, "750000", "EUR", "", "")]),
    ("He took a quarter of a million dollars.", &[("a quarter of a million dollars", M, "250000", "USD", "", "")]),
    ("The pipe was 3 3/4 inches wide.", &[("3 3/4 inches", Q, "3.75", "in", "", "")]),
    ("They seized 1¼ tons.", &[("1¼ tons", Q, "1.25", "t", "", "")]),
    ("It weighed 7 1/8 pounds of powder.", &[("7 1/8 pounds", Q, "7.125", "lb", "", "")]),
    ("The plot is 4¾ acres.", &[("4¾ acres", Q, "4.75", "acre", "", "")]),
    ("It took 1 1/2 hours.", &[("1 1/2 hours", D, "1.5", "hour", "", "")]),
    ("The price was $2½ million.", &[("$2½ million", M, "2500000", "USD", "", "")]),
    ("One quarter of a billion dollars went missing.", &[("One quarter of a billion dollars", M, "250000000", "USD", "", "")]),
    ("Half a million pounds was found.", &[("Half a million pounds", M, "500000", "GBP", "", "")]),
    ("He drove 5 1/3 miles.", &[]),
    // ---- percent wordings ---------------------------------------------------
    ("Turnout was 5 percentage lower.", &[("5 percentage", P, "5", "%", "", "")]),
    ("It rose 2 percentage points.", &[("2 percentage points", P, "2", "pp", "", "")]),
    ("Rates rose 30 percents.", &[("30 percents", P, "30", "%", "", "")]),
    ("It is forty per cent of twenty-two.", &[("forty per cent", P, "40", "%", "", "")]),
    ("That is 20 percent of 10.", &[("20 percent", P, "20", "%", "", "")]),
    ("Growth was minus five percent.", &[("minus five percent", P, "5", "%", "minus", "")]),
    ("They were one hundred percent sure.", &[("one hundred percent", P, "100", "%", "", "")]),
    ("It fell 7 per-cent.", &[("7 per-cent", P, "7", "%", "", "")]),
    ("Unemployment was twelve percent.", &[("twelve percent", P, "12", "%", "", "")]),
    ("It grew 3.5 pct.", &[("3.5 pct", P, "3.5", "%", "", "")]),
    ("Support was twenty-five per cent.", &[("twenty-five per cent", P, "25", "%", "", "")]),
    ("Rates fell minus 2 percent.", &[("minus 2 percent", P, "2", "%", "minus", "")]),
    ("Nearly 40 percent agreed.", &[("Nearly 40 percent", P, "40", "%", "nearly", "")]),
    ("It rose 10 to 15 percent.", &[("10 to 15 percent", P, "10", "%", "", "15")]),
    ("A fifty percent share was sold.", &[("fifty percent", P, "50", "%", "", "")]),
    // ---- not amounts ---------------------------------------------------------
    ("ALL 5 solutions are wrong.", &[]),
    ("All 5 solutions are wrong.", &[]),
    ("All seventeen tests were successful.", &[]),
    ("all seventeen tests were successful", &[]),
    ("The report said: All three suspects fled.", &[]),
    ("Order part number 24703 L-202 today.", &[]),
    ("It was 24 degrees in the shade.", &[]),
    ("Temperatures hit 40 degrees.", &[]),
    ("The TOP 10 list was published.", &[]),
    ("Buy a CUP 2 ways.", &[]),
    ("He bought a $5 bill.", &[("$5", M, "5", "USD", "", "")]),
    ("A $5 million bribe was paid.", &[("$5 million", M, "5000000", "USD", "", "")]),
    ("The pet owners met.", &[]),
    ("What do 5 of them want?", &[]),
    ("He sat 5 exams.", &[("5 exams", C, "5", "exams", "", "")]),
    ("The score was 10 1/2.", &[]),
    ("It happens 24/7.", &[]),
    ("He turned the dial 90 degrees.", &[]),
    ("Item 12 L was missing.", &[]),
    ("ALL 5,000 was paid as a bribe.", &[("ALL 5,000", M, "5000", "ALL", "", "")]),
    ("a salary of ALL 2 million", &[("ALL 2 million", M, "2000000", "ALL", "", "")]),
    ("They paid €640,000 to three consulting firms.", &[("€640,000", M, "640000", "EUR", "", ""), ("three consulting firms", C, "3", "firms", "", "")]),
    ("He sent $200 to five couriers.", &[("$200", M, "200", "USD", "", ""), ("five couriers", C, "5", "couriers", "", "")]),
    ("It rose from €5 to €7 million.", &[("€5 to €7 million", M, "5000000", "EUR", "", "7000000")]),
    ("Prices went from $10 to 20 tonnes.", &[("$10", M, "10", "USD", "", ""), ("20 tonnes", Q, "20", "t", "", "")]),
];

/// Issue 15, Croatian/Serbian/Bosnian (Latin and Cyrillic): (language, text,
/// expected); language "" means none given (guessed from the text around).
#[rustfmt::skip]
const REGIONAL: &[(&str, &str, &[Exp])] = &[
    // ---- money --------------------------------------------------------------
    ("hr", "Šteta iznosi 4,5 milijardi eura.", &[("4,5 milijardi eura", M, "4500000000", "EUR", "", "")]),
    ("sr", "Штета износи 4,5 милијарди евра.", &[("4,5 милијарди евра", M, "4500000000", "EUR", "", "")]),
    ("bs", "Pronađeno je 100.000 KM u automobilu.", &[("100.000 KM", M, "100000", "BAM", "", "")]),
    ("bs", "Uzeo je 100.000 konvertibilnih maraka.", &[("100.000 konvertibilnih maraka", M, "100000", "BAM", "", "")]),
    ("sr", "Oduzeto je 2,3 miliona dinara.", &[("2,3 miliona dinara", M, "2300000", "RSD", "", "")]),
    ("hr", "Primio je milijun kuna mita.", &[("milijun kuna", M, "1000000", "HRK", "", "")]),
    ("sr", "Платио је 2,3 милиона динара.", &[("2,3 милиона динара", M, "2300000", "RSD", "", "")]),
    ("hr", "Ukupno je oprano 1.500 eura.", &[("1.500 eura", M, "1500", "EUR", "", "")]),
    ("hr", "Kazna iznosi 2.500,50 eura.", &[("2.500,50 eura", M, "2500.5", "EUR", "", "")]),
    ("sr", "Zaplenjeno je 50.000 evra.", &[("50.000 evra", M, "50000", "EUR", "", "")]),
    ("bs", "Mito je iznosio 500 KM.", &[("500 KM", M, "500", "BAM", "", "")]),
    ("hr", "Tvrtka je dobila dvije tisuće eura.", &[("dvije tisuće eura", M, "2000", "EUR", "", "")]),
    ("sr", "Dobio je hiljadu evra.", &[("hiljadu evra", M, "1000", "EUR", "", "")]),
    ("sr", "Добио је хиљаду евра.", &[("хиљаду евра", M, "1000", "EUR", "", "")]),
    ("hr", "Uplaćeno je pet milijuna eura.", &[("pet milijuna eura", M, "5000000", "EUR", "", "")]),
    ("sr", "Prebačeno je 3 miliona američkih dolara.", &[("3 miliona američkih dolara", M, "3000000", "USD", "", "")]),
    ("hr", "Iznos je bio 12 milijuna kuna.", &[("12 milijuna kuna", M, "12000000", "HRK", "", "")]),
    ("sr", "Iznos od 1,2 milijarde dinara je opran.", &[("1,2 milijarde dinara", M, "1200000000", "RSD", "", "")]),
    ("bs", "Plaćeno je 20.000 eura i 5.000 KM.", &[("20.000 eura", M, "20000", "EUR", "", ""), ("5.000 KM", M, "5000", "BAM", "", "")]),
    ("hr", "Pronašli su pola milijuna eura.", &[("pola milijuna eura", M, "500000", "EUR", "", "")]),
    ("sr", "Vrednost je 4,5 mlrd. dinara.", &[("4,5 mlrd. dinara", M, "4500000000", "RSD", "", "")]),
    ("hr", "Platio je €1.500 gotovinom.", &[("€1.500", M, "1500", "EUR", "", "")]),
    ("", "Policija je zaplijenila 4,5 milijardi eura i 30 posto dionica.", &[("4,5 milijardi eura", M, "4500000000", "EUR", "", ""), ("30 posto", P, "30", "%", "", "")]),
    // ---- quantities, percent, durations -------------------------------------
    ("hr", "Zaplijenjeno je 90 tona kokaina.", &[("90 tona", Q, "90", "t", "", "")]),
    ("sr", "Zaplenjeno je 1.200 kilograma droge.", &[("1.200 kilograma", Q, "1200", "kg", "", "")]),
    ("sr", "Заплењено је 90 тона кокаина.", &[("90 тона", Q, "90", "t", "", "")]),
    ("hr", "Cijene su porasle 30 posto.", &[("30 posto", P, "30", "%", "", "")]),
    ("sr", "Цене су порасле 30 одсто.", &[("30 одсто", P, "30", "%", "", "")]),
    ("sr", "Rast je bio 2,5 odsto.", &[("2,5 odsto", P, "2.5", "%", "", "")]),
    ("hr", "Pad je 3 postotna boda.", &[("3 postotna boda", P, "3", "pp", "", "")]),
    ("hr", "Pronađeno je 1,5 tona marihuane.", &[("1,5 tona", Q, "1.5", "t", "", "")]),
    ("bs", "Zaplijenjeno je 20 kilograma heroina.", &[("20 kilograma", Q, "20", "kg", "", "")]),
    ("hr", "Farma ima 300 hektara.", &[("300 hektara", Q, "300", "ha", "", "")]),
    ("sr", "Skladište od 500 kvadratnih metara je pretreseno.", &[("500 kvadratnih metara", Q, "500", "m2", "", "")]),
    ("hr", "Osuđen je na 12 godina zatvora.", &[("12 godina", D, "12", "year", "", "")]),
    ("sr", "Pritvor je određen na 30 dana.", &[("30 dana", D, "30", "day", "", "")]),
    ("sr", "Притвор је одређен на 30 дана.", &[("30 дана", D, "30", "day", "", "")]),
    ("hr", "Istraga traje šest mjeseci.", &[("šest mjeseci", D, "6", "month", "", "")]),
    ("hr", "Prevezli su tri tone kokaina.", &[("tri tone", Q, "3", "t", "", "")]),
    ("hr", "Brod je prevezao 2 milijuna litara nafte.", &[("2 milijuna litara", Q, "2000000", "l", "", "")]),
    // ---- counts -------------------------------------------------------------
    ("hr", "Uhićeno je 19 osoba.", &[("19 osoba", C, "19", "osoba", "", "")]),
    ("sr", "Uhapšeno je pet carinika.", &[("pet carinika", C, "5", "carinika", "", "")]),
    ("hr", "Oduzeto je 70.000 telefona.", &[("70.000 telefona", C, "70000", "telefona", "", "")]),
    ("sr", "Одузето је 70.000 телефона.", &[("70.000 телефона", C, "70000", "телефона", "", "")]),
    ("hr", "Optuženo je sedam osumnjičenika.", &[("sedam osumnjičenika", C, "7", "osumnjičenika", "", "")]),
    ("hr", "Optužnica protiv sedmorice osumnjičenika je podignuta.", &[("sedmorice osumnjičenika", C, "7", "osumnjičenika", "", "")]),
    ("sr", "Uhapšena su dvojica policajaca.", &[("dvojica policajaca", C, "2", "policajaca", "", "")]),
    ("bs", "Pretreseno je 12 kamiona.", &[("12 kamiona", C, "12", "kamiona", "", "")]),
    ("hr", "Zaplijenjeno je 5 novih automobila.", &[("5 novih automobila", C, "5", "automobila", "", "")]),
    ("sr", "Pronađeno je dvadeset pet pištolja.", &[("dvadeset pet pištolja", C, "25", "pištolja", "", "")]),
    ("hr", "Sudjelovalo je 150 policajaca.", &[("150 policajaca", C, "150", "policajaca", "", "")]),
    ("sr", "Stradalo je 1.500 migranata.", &[("1.500 migranata", C, "1500", "migranata", "", "")]),
    ("bs", "Uhapšeno je 14 ljudi.", &[("14 ljudi", C, "14", "ljudi", "", "")]),
    ("hr", "Pronađeno je 300 kutija cigareta.", &[("300 kutija", C, "300", "kutija", "", "")]),
    ("sr", "Ухапшено је 19 особа.", &[("19 особа", C, "19", "особа", "", "")]),
    ("hr", "Pretraženo je 40 stanova.", &[("40 stanova", C, "40", "stanova", "", "")]),
    ("sr", "Tužilaštvo je saslušalo 35 svedoka.", &[("35 svedoka", C, "35", "svedoka", "", "")]),
    ("hr", "Otvoreno je sto računa.", &[("sto računa", C, "100", "računa", "", "")]),
    ("bs", "Osumnjičeno je 8 pripadnika SIPA-e.", &[("8 pripadnika", C, "8", "pripadnika", "", "")]),
    // ---- qualifiers and ranges ---------------------------------------------
    ("hr", "Oduzeto je oko 70.000 telefona.", &[("oko 70.000 telefona", C, "70000", "telefona", "oko", "")]),
    ("sr", "Ima više od 2.500 pretplatnika.", &[("više od 2.500 pretplatnika", C, "2500", "pretplatnika", "više od", "")]),
    ("hr", "Zaplijenjeno je između 5 i 10 tona.", &[("između 5 i 10 tona", Q, "5", "t", "", "10")]),
    ("sr", "Заплењено је између 5 и 10 тона.", &[("између 5 и 10 тона", Q, "5", "t", "", "10")]),
    ("hr", "Iznos je manje od 500 eura.", &[("manje od 500 eura", M, "500", "EUR", "manje od", "")]),
    ("hr", "Prodano je gotovo 3 tone.", &[("gotovo 3 tone", Q, "3", "t", "gotovo", "")]),
    ("sr", "Prodato je skoro 40 odsto.", &[("skoro 40 odsto", P, "40", "%", "skoro", "")]),
    ("bs", "Uhapšeno je najmanje 14 osoba.", &[("najmanje 14 osoba", C, "14", "osoba", "najmanje", "")]),
    ("hr", "Prijeti mu do 10 godina zatvora.", &[("do 10 godina", D, "10", "year", "do", "")]),
    ("sr", "Prijeti mu kazna od 5 do 10 godina.", &[("od 5 do 10 godina", D, "5", "year", "", "10")]),
    ("sr", "Ухапшено је више од 20 особа.", &[("више од 20 особа", C, "20", "особа", "више од", "")]),
    ("sr", "Zaplenjeno je 5-10 tona.", &[("5-10 tona", Q, "5", "t", "", "10")]),
    ("hr", "Oprano je oko 2 milijuna eura.", &[("oko 2 milijuna eura", M, "2000000", "EUR", "oko", "")]),
    ("hr", "Kazna od 2.500 eura je izrečena.", &[("2.500 eura", M, "2500", "EUR", "", "")]),
    // ---- not amounts ---------------------------------------------------------
    ("hr", "Traži ga se od 2019. godine.", &[]),
    ("hr", "Uhićen je 5. siječnja 2020.", &[]),
    ("sr", "Prema članku 5 zakona, on je kriv.", &[]),
    ("hr", "Optužio je sedmoricu za krijumčarenje.", &[]),
    ("bs", "Istraga traje godinu dana.", &[]),
    ("sr", "Kupio je nekoliko preduzeća.", &[]),
    ("hr", "Akcija Granica 2 je počela.", &[]),
    ("sr", "Rekao je da je 5 ili 6 puta bio tamo.", &[]),
    ("hr", "U 2020 godini bilo je mirno.", &[]),
    ("en", "The pet owners met 5 do gooders.", &[]),
    ("en", "Police arrested pet carinika.", &[]),
    ("hr", "Tisuće ljudi su prosvjedovale.", &[]),
    ("sr", "Milioni dinara su nestali.", &[]),
    ("hr", "Jedan telefon je pronađen.", &[]),
    // A document's language is its majority's: the English passage of a
    // Croatian report keeps its English scale words, and the reverse.
    ("hr", "Police said the villas, worth an estimated €12.8 million, were bought with cigarette money. Prema podacima USKOK-a, kroz mjenjačnice je prošlo 3,1 milijun eura.", &[("an estimated €12.8 million", M, "12800000", "EUR", "an estimated", ""), ("3,1 milijun eura", M, "3100000", "EUR", "", "")]),
    ("en", "The court heard that police seized cash in Split. Prema podacima USKOK-a, kroz dvije je mjenjačnice u godinu dana prošlo 3,1 milijun eura.", &[("3,1 milijun eura", M, "3100000", "EUR", "", "")]),
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

fn rows(text: &str, found: &[AmountMatch]) -> Vec<[String; 6]> {
    found
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
        .collect()
}

fn check_all<'a>(cases: impl Iterator<Item = (Option<&'a str>, &'a str, &'a [Exp])>) {
    let mut failures = String::new();
    let (mut n, mut n_fail) = (0, 0);
    for (lang, text, exp) in cases {
        n += 1;
        let found = find_amounts_in(text, lang);
        let got = rows(text, &found);
        let want: Vec<[String; 6]> = exp
            .iter()
            .map(|e| [e.0, e.1, e.2, e.3, e.4, e.5].map(String::from))
            .collect();
        if got != want {
            n_fail += 1;
            failures.push_str(&format!(
                "\n{lang:?} {text:?}\n  expected:\n{}  got:\n{}",
                show(&want),
                show(&got)
            ));
        }
    }
    assert!(n_fail == 0, "{n_fail} of {n} cases failed:{failures}");
}

#[test]
fn wide_english_table() {
    assert!(WIDE.len() >= 150, "only {} cases", WIDE.len());
    check_all(WIDE.iter().map(|(t, e)| (None, *t, *e)));
    // the same with the language given
    check_all(WIDE.iter().map(|(t, e)| (Some("en"), *t, *e)));
}

#[test]
fn regional_table() {
    assert!(REGIONAL.len() >= 50, "only {} cases", REGIONAL.len());
    check_all(
        REGIONAL
            .iter()
            .map(|(l, t, e)| ((!l.is_empty()).then_some(*l), *t, *e)),
    );
}

#[test]
fn regional_count_lemmas() {
    let lemma = |lang: &str, t: &str| {
        find_amounts_in(t, Some(lang))
            .into_iter()
            .map(|m| m.amount.lemma)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        lemma("hr", "oko 70.000 telefona"),
        [Some("telefon".to_string())]
    );
    assert_eq!(lemma("sr", "19 osoba"), [Some("osoba".to_string())]);
    assert_eq!(
        lemma("sr", "70.000 телефона"),
        [Some("телефон".to_string())]
    );
    assert_eq!(
        lemma("bs", "više od 2.500 pretplatnika"),
        [Some("pretplatnik".to_string())]
    );
    // a noun the table does not know keeps no lemma; units never have one
    assert_eq!(lemma("hr", "12 bačava"), [None]);
    assert_eq!(lemma("hr", "90 tona"), [None]);
    assert_eq!(lemma("en", "888 suspects"), [None]);
}

#[test]
fn language_decides_ambiguous_separators() {
    let v = |t: &str, l: Option<&str>| {
        find_amounts_in(t, l)
            .iter()
            .map(|m| m.value.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(v("Plaćeno je 1,500 eura.", Some("hr")), ["1.5"]);
    assert_eq!(v("Paid 1,500 euros.", Some("en")), ["1500"]);
    assert_eq!(v("Paid 1.500 euros.", Some("en")), ["1.5"]);
    assert_eq!(v("Plaćeno je 1.500 eura.", Some("hr")), ["1500"]);
    // no language: the words around decide
    assert_eq!(
        v("Policija je zaplijenila 1.500 kilograma.", None),
        ["1500"]
    );
    assert_eq!(v("The police seized 1.500 kilograms.", None), ["1.5"]);
    // the document's own unambiguous numbers still win over its language
    assert_eq!(
        v("It cost €1,234.56 and then €2,500.", Some("hr")),
        ["1234.56", "2500"]
    );
}

#!/usr/bin/env python3
"""Writes tests/data/resolve_docs/*.txt and tests/data/resolve_gold.tsv.

Documents are fictional. Each is a list of plain strings and
(text, LABEL, gold_cluster) mentions; offsets are code points (Python str),
end-exclusive, and are checked against the written text.
gold_cluster is the real-world identity a careful reader would assign, even
where the resolver is designed not to link (bare surname alone in a document,
acronym without its expansion).
"""
import os, sys

P, O, L, M = "PERSON", "ORGANISATION", "PLACE", "MISC"

DOCS = {
"d01_saric_cousins": [
    "Police in ", ("Podgorica", L, "podgorica"), " said on Tuesday that ",
    ("Darko Šarić", P, "darko_saric"), ", the convicted cocaine trafficker, met his cousin ",
    ("Duško Šarić", P, "dusko_saric"), " in ", ("Belgrade", L, "belgrade"), " last spring. ",
    ("Darko Šarić", P, "darko_saric"), "'s lawyers denied it. ",
    ("Duško Šarić", P, "dusko_saric"), ", a timber trader from ", ("Pljevlja", L, "pljevlja"),
    ", told ", ("Vijesti", O, "vijesti"), " he had not seen his relative for years. "
    "Prosecutors say ", ("Šarić", P, "darko_saric"),
    " still controls a web of front companies. ",
    ("The Special Prosecutor's Office", O, "spo"), " (", ("SPO", O, "spo"),
    ") of ", ("Montenegro", L, "montenegro"), " asked ", ("Europol", O, "europol"),
    " for help. ", ("Mr Darko Šarić", P, "darko_saric"), " was not available for comment.",
],
"d02_saric_trial": [
    ("BELGRADE", L, "belgrade"), " - The retrial of ", ("Darko Saric", P, "darko_saric"),
    " opened before ", ("Judge Vesna Ilić", P, "vesna_ilic"), " on Monday. ",
    ("Saric", P, "darko_saric"), ", 53, pleaded not guilty. ", ("Šarić's", P, "darko_saric"),
    " defence team said ", ("Judge Ilić", P, "vesna_ilic"), " had refused a delay. ",
    ("Ilić", P, "vesna_ilic"), " said the court would sit daily. ",
    ("Mr SARIC", P, "darko_saric"), " appeared by video link from ", ("Belgrade", L, "belgrade"),
    ". The case was first reported by ", ("the Brussels Times", O, "brussels_times"),
    " and by ", ("OCCRP", O, "occrp"), ", the ",
    ("Organised Crime and Corruption Reporting Project", O, "occrp"), ".",
],
"d03_belivuk": [
    ("Veljko Belivuk", P, "belivuk"), " and his associate ", ("Marko Miljković", P, "miljkovic"),
    " were arrested in ", ("Belgrade", L, "belgrade"), " in February 2021. Messages decrypted from ",
    ("Sky ECC", M, "sky_ecc"), " phones show ", ("Belivuk", P, "belivuk"),
    " ordering killings. ", ("Belivuk's", P, "belivuk"), " men used ", ("Sky", O, "sky_ecc"),
    " accounts for years, and ", ("Miljković", P, "miljkovic"), " kept the ledgers. "
    "The clan met at ", ("Belivuk’s", P, "belivuk"), " flat and at the ",
    ("Belivuks'", P, "belivuk"), " farm. ",
    ("Former Interior Minister Nebojša Stefanović", P, "stefanovic"),
    " denied any link. ", ("Stefanović", P, "stefanovic"), " said ",
    ("Minister Stefanović", P, "stefanovic"), " had never met the gang. ",
    ("Serbia", L, "serbia"), " shared the chats with ", ("Europol", O, "europol"), ".",
],
"d04_sipa": [
    ("The State Investigation and Protection Agency", O, "sipa"), " (", ("SIPA", O, "sipa"),
    ") raided six addresses in ", ("Sarajevo", L, "sarajevo"), " and ",
    ("Mostar", L, "mostar"), ". ", ("SIPA", O, "sipa"), " said it detained ",
    ("Dragan Đurić", P, "dragan_duric"), ", a customs officer. ", ("Đurić", P, "dragan_duric"),
    " is suspected of waving through cocaine shipments. ", ("Đurić's", P, "dragan_duric"),
    " lawyer declined to comment. The operation was coordinated with ",
    ("Europol's", O, "europol"), " analysts, ", ("the Brussels Times", O, "brussels_times"),
    " reported. ", ("Bosnia and Herzegovina", L, "bih"), " has asked ",
    ("Croatia", L, "croatia"), " to extradite a second suspect, ",
    ("Ivan Perić", P, "ivan_peric"), ". ", ("Perić", P, "ivan_peric"), " fled in May.",
],
"d05_sipa_reverse": [
    ("SIPA", O, "sipa"), " officers seized 400 kilograms of cocaine in ",
    ("Brčko", L, "brcko"), ", the ", ("State Investigation and Protection Agency", O, "sipa"),
    " said. ", ("Dragan Duric", P, "dragan_duric"), ", already in custody, is named in the file. ",
    ("DURIC", P, "dragan_duric"), " denies it. ", ("Bosnia & Herzegovina", L, "bih"),
    " has the lowest seizure rate in the region, according to ", ("Brussels Times", O, "brussels_times"),
    ". ", ("Dr. Amra Hodžić", P, "hodzic"), ", a criminologist in ", ("Sarajevo", L, "sarajevo"),
    ", said ", ("Hodžić", P, "hodzic"), " had warned of this. ",
    ("Prof. Hodzic", P, "hodzic"), " added that ", ("Europol", O, "europol"), " agrees.",
],
"d06_kosovo": [
    ("Kosovo", O, "kosovo"), " signed a police cooperation deal with ",
    ("Montenegro", O, "montenegro"), " on Friday. ", ("The Kosovo Police", O, "kosovo_police"),
    " said officers from ", ("Pristina", L, "pristina"), " would be posted to ",
    ("Podgorica", L, "podgorica"), ". ", ("Kosovo Police", O, "kosovo_police"),
    " director ", ("Gazmend Hoxha", P, "hoxha"), " said ", ("Kosovo", L, "kosovo"),
    " had long asked for it. ", ("Hoxha", P, "hoxha"), " met ",
    ("Prime Minister Milojko Spajić", P, "spajic"), ". ", ("Spajić", P, "spajic"),
    " said ", ("Montenegro", L, "montenegro"), " and ", ("Serbia", O, "serbia"),
    " would follow ", ("EU", O, "eu"), " rules. The ", ("European Union", O, "eu"),
    " welcomed the deal.",
],
"d07_sky_markovic": [
    "Chats on ", ("Sky ECC", O, "sky_ecc"), " were decoded by French police. ",
    ("Sky", O, "sky_ecc"), " was shut down in 2021. ", ("SKY ECC", M, "sky_ecc"),
    " users in ", ("Montenegro", L, "montenegro"), " included a police officer close to ",
    ("Veljko Belivuk", P, "belivuk"), ". ", ("Chief Special Prosecutor Vladimir Novović", P, "novovic"),
    " said former prime minister ", ("Duško Marković", P, "dusko_markovic"),
    " was not under investigation. ", ("Judge Ana Marković", P, "ana_markovic"),
    " will hear the case. ", ("Marković", P, "ana_markovic"), " has set no date. ",
    ("Novović", P, "novovic"), " told ", ("Vijesti", O, "vijesti"), " that ",
    ("Belivuk", P, "belivuk"), " was not a witness. ", ("Sky News", O, "sky_news"),
    " first reported the leak.",
],
"d08_loose_ends": [
    ("Šarić", P, "darko_saric"), ", the Pljevlja-born trafficker, lost his appeal in ",
    ("Belgrade", L, "belgrade"), ". ", ("SIPA", O, "sipa"),
    " in Bosnia said it had not been told. ", ("Sky News", O, "sky_news"),
    " and ", ("the Brussels Times", O, "brussels_times"), " covered the ruling. ",
    ("Europol", O, "europol"), " declined to comment. ",
    ("President Aleksandar Vučić", P, "vucic"), " said the courts were independent. ",
    ("Vučić", P, "vucic"), " spoke in ", ("Novi Sad", L, "novi_sad"), ". ",
    ("Mr Vučić", P, "vucic"), " also met ", ("Serbia", L, "serbia"), "'s police chief ",
    ("Dragan Vasiljević", P, "vasiljevic"), ". ", ("Vasiljević", P, "vasiljevic"),
    " promised arrests. ", ("Ivan Perić", P, "ivan_peric"),
    ", wanted by ", ("Croatia", L, "croatia"), ", is still at large.",
],
}


def main(root):
    docs_dir = os.path.join(root, "resolve_docs")
    os.makedirs(docs_dir, exist_ok=True)
    rows = []
    for doc_id, segs in DOCS.items():
        text = ""
        for seg in segs:
            if isinstance(seg, str):
                text += seg
                continue
            surface, label, cluster = seg
            start = len(text)
            text += surface
            rows.append((doc_id, start, len(text), label, surface, cluster))
        with open(os.path.join(docs_dir, doc_id + ".txt"), "w", encoding="utf-8") as f:
            f.write(text)
    # Re-read and check every offset against the files as written.
    for doc_id, start, end, label, surface, cluster in rows:
        with open(os.path.join(docs_dir, doc_id + ".txt"), encoding="utf-8") as f:
            assert f.read()[start:end] == surface, (doc_id, start, surface)
        assert "\t" not in surface
    with open(os.path.join(root, "resolve_gold.tsv"), "w", encoding="utf-8") as f:
        f.write("doc_id\tstart\tend\tlabel\ttext\tgold_cluster\n")
        for r in rows:
            f.write("\t".join(map(str, r)) + "\n")
    print(f"{len(DOCS)} documents, {len(rows)} mentions, "
          f"{len({r[5] for r in rows})} clusters", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/data")

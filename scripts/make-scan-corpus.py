#!/usr/bin/env python3
"""Builds a small test corpus of born-digital PDFs and scans for nerpipe's
PDF engine and OCR, with the ground truth for every page.

    python="$(bash scripts/scan-corpus-venv.sh)"
    "$python" scripts/make-scan-corpus.py OUTDIR

OUTDIR must not exist or must be empty. It gets:
  docs/           the corpus: PDFs from six producers (reportlab, fpdf2,
                  Ghostscript, Chromium, a hand-written PDF, a mixed
                  text + scan PDF) and scans (PNG, JPEG, two-page TIFF,
                  image-only PDF);
  controls/       NAME.txt per document: all pages' text, paragraphs (and
                  pages) separated by a blank line;
  manifest.json   one entry per document (schema in write_manifest).

Why these files: each producer writes text differently (simple TrueType
fonts, Type0/Identity-H CID fonts, Ghostscript's re-encoded Type 1 fonts,
Skia, raw Tj/'/"/TJ operators), one page has /Rotate 90, one page has two
columns drawn row by row (drawing order interleaves the columns), some
lines end in a hyphenated word ("organi-/zation") or break a compound at its
hyphen ("Bosnia-/Herzegovina"), and the scans are skewed, blurred and noisy
at 300 dpi so OCR has to work. The text is short news-style prose about
organised crime in the Western Balkans in English, Croatian, Serbian Latin
and Serbian Cyrillic, with planted people, organisations, places and
amounts; the stories and details are invented for testing.

The ground truth of a page is its paragraphs joined by "\\n\\n", each
paragraph on one line with single spaces, line-end hyphens of split words
removed and hyphens of compounds kept (what a perfect extractor returns).
A scan's truth is exactly the text rendered on it (its line breaks read
as spaces; scans never split words).

Deterministic: the same package versions (scan-corpus-venv.sh pins them)
and the same system tools write the same bytes: fixed seeds for the noise,
fixed dates (reportlab invariant=1, fpdf2 set_creation_date, Pillow's PDF
dates, Ghostscript SOURCE_DATE_EPOCH plus fixed file names, which its /ID
hashes, and Chromium's two date strings overwritten in place).
Needs: Ghostscript (ps2pdf) and Chromium on PATH, DejaVu and Liberation
TrueType fonts (Debian: fonts-dejavu-core, fonts-liberation).
"""

import datetime
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from html import escape

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

# --- Data --------------------------------------------------------------------

# Layout marks inside paragraph text. Layouts that ask for forced breaks end a
# line at each mark; everywhere else (truth, scans, Chromium) they are removed.
SOFT = "\u00ad"  # split the word here and print a hyphen: "organi-" / "zation"
HARD = "\u200b"  # after a compound's own hyphen: "Bosnia-" / "Herzegovina"

# key: (language, text, names as they appear, amounts as they appear)
PARAGRAPHS = {
    # reportlab, Croatian
    "hr1": ("hr",
            "ZAGREB – Ured za suzbijanje korupcije i organiziranog kriminaliteta (USKOK) "
            "podigao je optužnicu protiv jedanaest članova kriminalne organi" + SOFT + "zacije "
            "koja je kokain iz Južne Amerike krijumčarila preko riječke luke. Prema optužnici, "
            "skupinu je vodio Marko Bilić iz Zagreba, a novac je prao preko tvrtki za "
            "nekretnine u Splitu i Zadru. Istražitelji tvrde da je skupina u dvije godine "
            "zaradila najmanje 1.200.000 kuna. Bilićev odvjetnik odbio je komentirati optužnicu.",
            ["ZAGREB", "Ured za suzbijanje korupcije i organiziranog kriminaliteta", "USKOK",
             "Južne Amerike", "Marko Bilić", "Zagreba", "Splitu", "Zadru"],
            ["1.200.000 kuna"]),
    "hr2": ("hr",
            "Istraga je počela nakon što je Europol hrvatskoj policiji dostavio poruke iz "
            "kriptirane aplikacije Sky ECC. Iz poruka proizlazi da su članovi skupine gotovinu "
            "prevozili u Sarajevo i Beograd. Policija je pri uhićenjima zaplijenila 350.000 eura "
            "u gotovini i tri automobila. Županijski sud u Zagrebu odredio je istražni zatvor "
            "za šestoricu osumnjičenih.",
            ["Europol", "Sky ECC", "Sarajevo", "Beograd", "Županijski sud u Zagrebu"],
            ["350.000 eura"]),
    "hr3": ("hr",
            "Prema procjenama analitičara, kriminalne skupine sa zapadnog Balkana godišnje "
            "operu oko 4,5 milijardi eura. Velik dio tog novca završava u nekretninama na "
            "jadranskoj obali, ali i u Beču i Münchenu. Zamjenica ravnatelja USKOK-a Ivana "
            "Perić rekla je da će tužiteljstvo tražiti oduzimanje imovine stečene kaznenim "
            "djelom. Prvo ročište zakazano je za ožujak.",
            ["Beču", "Münchenu", "USKOK-a", "Ivana Perić"],
            ["4,5 milijardi eura"]),
    # fpdf2, Serbian Cyrillic
    "cy1": ("sr-Cyrl",
            "БЕОГРАД – Тужилаштво за организовани криминал подигло је оптужницу против Вељка "
            "Беливука и више чланова његове криминалне органи" + SOFT + "зације. Према "
            "оптужници, група је између 2016. и 2021. године учествовала у убиствима, отмицама "
            "и трговини дрогом. Беливук је ухапшен у фебруару 2021. године у Београду, заједно "
            "са Марком Миљковићем. Одбрана тврди да докази из апликације Скај нису законито "
            "прибављени.",
            ["БЕОГРАД", "Тужилаштво за организовани криминал", "Вељка Беливука", "Беливук",
             "Београду", "Марком Миљковићем", "Скај"],
            []),
    "cy2": ("sr-Cyrl",
            "У одвојеној истрази, полиција је у Новом Саду претресла стан бившег полицијског "
            "инспектора Дејана Стојановића и пронашла 2,3 милиона евра у готовини. Истражитељи "
            "сумњају да је новац стизао из Подгорице и Сарајева преко курира. Стојановић се "
            "брани ћутањем. Суд је одредио привремено одузимање имовине.",
            ["Новом Саду", "Дејана Стојановића", "Подгорице", "Сарајева", "Стојановић"],
            ["2,3 милиона евра"]),
    "cy3": ("sr-Cyrl",
            "Европол је у више извештаја упозорио да криминалне групе са Западног Балкана имају "
            "важну улогу у трговини кокаином у Европи. Име Дарка Шарића, коме је у Београду "
            "суђено за прање новца од трговине кокаином, и даље се помиње у истрагама у региону. "
            "Агенција СИПА из Сарајева и хрватски УСКОК размењују податке са српским "
            "тужилаштвом.",
            ["Европол", "Западног Балкана", "Европи", "Дарка Шарића", "Београду", "СИПА",
             "Сарајева", "УСКОК"],
            []),
    # Ghostscript, Serbian Latin
    "sl1": ("sr-Latn",
            "PODGORICA – Specijalno državno tužilaštvo Crne Gore saopštilo je da je uhapšeno "
            "sedam osoba osumnjičenih za šverc cigareta preko srpsko-" + HARD + "crnogorske "
            "granice. Prema saopštenju, grupu je organizovao Nikola Vujović iz Bara, a roba je "
            "prevožena kamionima jedne firme iz Nikšića. Tužilaštvo procenjuje da je budžet "
            "oštećen za najmanje 2,3 miliona evra. Vujovićev advokat kaže da njegov klijent "
            "nije kriv.",
            ["PODGORICA", "Specijalno državno tužilaštvo", "Crne Gore", "Nikola Vujović",
             "Bara", "Nikšića"],
            ["2,3 miliona evra"]),
    "sl2": ("sr-Latn",
            "Istraga je pokazala da je deo novca završavao na računima u Beogradu i Sarajevu. "
            "Na zahtev crnogorskih tužilaca, SIPA je pretresla dva skladišta kod Bijeljine i "
            "pronašla 40.000 paklica cigareta bez akciznih markica i 450.000 KM u gotovini. "
            "Optuženima se na teret stavlja i pranje novca.",
            ["Beogradu", "Sarajevu", "SIPA", "Bijeljine"],
            ["450.000 KM"]),
    "sl3": ("sr-Latn",
            "Radoje Zvicer, koga crnogorska policija smatra vođom kavačkog klana, i dalje je u "
            "bekstvu. Prema navodima tužilaštva, ista mreža kamiona ranije je korišćena i za "
            "šverc kokaina preko luke Bar. Evropol je prošle godine pomogao u identifikaciji "
            "više članova klana. Tužilaštvo nije želelo da kaže da li je Zvicer povezan sa ovim "
            "slučajem.",
            ["Radoje Zvicer", "Bar", "Evropol", "Zvicer"],
            []),
    # Chromium, English
    "enc1": ("en",
             "SARAJEVO – Bosnia's State Investigation and Protection Agency (SIPA) arrested four "
             "border police officers suspected of taking bribes from smugglers at the Gradiška "
             "crossing. Prosecutors say the officers let lorries carrying cigarettes and fuel "
             "pass without inspection in exchange for cash. One of the suspects, Dragan Kovač, "
             "allegedly received more than $350,000 over three years. The Prosecutor's Office "
             "of Bosnia and Herzegovina said further arrests were possible.",
             ["SARAJEVO", "Bosnia", "State Investigation and Protection Agency", "SIPA",
              "Gradiška", "Dragan Kovač", "Prosecutor's Office of Bosnia and Herzegovina"],
             ["$350,000"]),
    "enc2": ("en",
             "Analysts estimate that criminal networks from the Western Balkans launder about "
             "€4.5 billion a year through real estate, construction and tourism. Europol has "
             "warned that groups which grew out of football fan clubs in Belgrade and Zagreb "
             "now operate across the European Union. Several of them are linked to cocaine "
             "shipments through the ports of Antwerp and Rotterdam.",
             ["Western Balkans", "Europol", "Belgrade", "Zagreb", "European Union", "Antwerp",
              "Rotterdam"],
             ["€4.5 billion"]),
    "enc3": ("en",
             "In Belgrade, the Special Court has heard several cases linked to Darko Šarić, "
             "whose network prosecutors accused of smuggling cocaine from South America to "
             "Europe. Investigators in Podgorica say money from that trade was invested in "
             "hotels and farmland in Serbia and Montenegro. A separate inquiry by USKOK in "
             "Zagreb is looking at payments of €1.8 million to a Croatian shipping agent.",
             ["Belgrade", "Special Court", "Darko Šarić", "South America", "Europe",
              "Podgorica", "Serbia", "Montenegro", "USKOK", "Zagreb"],
             ["€1.8 million"]),
    # hand-written PDF, English, ASCII only (standard Helvetica, WinAnsi)
    "enh1": ("en",
             "PODGORICA - Montenegrin police said on Tuesday that a criminal organi" + SOFT +
             "zation linked to Radoje Zvicer moved cocaine through the port of Bar hidden in "
             "shipments of bananas. Investigators from Europol and the Special State "
             "Prosecutor's Office traced payments of $780,000 to shell companies registered in "
             "Podgorica and Budva. Two customs officers were detained. The group allegedly used "
             "encrypted phones to coordinate the shipments.",
             ["PODGORICA", "Radoje Zvicer", "Bar", "Europol",
              "Special State Prosecutor's Office", "Podgorica", "Budva"],
             ["$780,000"]),
    "enh2": ("en",
             "A report by the State Investigation and Protection Agency (SIPA) said couriers "
             "carried cash hidden in fuel tanks from Sarajevo to Zagreb and Belgrade, and that "
             "the money trail runs across Bosnia-" + HARD + "Herzegovina, Serbia and Croatia. "
             "Officials in Sarajevo declined to comment on the report.",
             ["State Investigation and Protection Agency", "SIPA", "Sarajevo", "Zagreb",
              "Belgrade", "Bosnia-Herzegovina", "Serbia", "Croatia"],
             []),
    "enl1": ("en",
             "BELGRADE - The trial of Veljko Belivuk and members of his group continued on "
             "Monday at the Special Court in Belgrade. Prosecutors accuse the group of murders, "
             "kidnappings and drug trafficking between 2016 and 2021. The defence says messages "
             "from encrypted phones were obtained unlawfully.",
             ["BELGRADE", "Veljko Belivuk", "Special Court", "Belgrade"],
             []),
    "enl2": ("en",
             "The court plans to hear more witnesses in the spring. Police officers who searched "
             "the group's properties near Belgrade are expected to testify, along with two "
             "cooperating witnesses whose names have not been published.",
             ["Belgrade"],
             []),
    "enr1": ("en",
             "ZAGREB - Croatian prosecutors at USKOK charged a former port official, Ante Grgic, "
             "with taking bribes from a shipping agent in Ploce. The indictment says Grgic "
             "received $95,000 in cash and a car. He resigned in March and has not commented.",
             ["ZAGREB", "USKOK", "Ante Grgic", "Ploce", "Grgic"],
             ["$95,000"]),
    "enr2": ("en",
             "The case grew out of a wider investigation into cocaine found in containers of "
             "bananas at the port. Europol helped investigators to trace messages between the "
             "suspects. The trial is expected to start in the autumn.",
             ["Europol"],
             []),
    # mixed PDF: page 1 text (English), page 2 scan (Croatian)
    "enm1": ("en",
             "BUDVA – Montenegrin prosecutors have frozen fourteen apartments and two hotels in "
             "Budva owned by companies linked to businessman Milan Radović. The Special State "
             "Prosecutor's Office said the properties, worth an estimated €12.8 million, were "
             "bought with money from cigarette smuggling. The owners have 30 days to challenge "
             "the order.",
             ["BUDVA", "Budva", "Milan Radović", "Special State Prosecutor's Office"],
             ["€12.8 million"]),
    "enm2": ("en",
             "A similar order was issued in Sarajevo last year, when SIPA seized a shopping "
             "centre worth KM 9.6 million. Europol has described asset confiscation as the most "
             "effective tool against organised crime in the region.",
             ["Sarajevo", "SIPA", "Europol"],
             ["KM 9.6 million"]),
    "hrm1": ("hr",
             "SPLIT – Policija je u Splitu uhitila dvojicu muškaraca osumnjičenih za pranje "
             "novca preko mjenjačnica. Prema podacima USKOK-a, kroz dvije je mjenjačnice u "
             "godinu dana prošlo 3,1 milijun eura. Jedan od uhićenih, Tomislav Jurić, vlasnik "
             "je dviju tvrtki u Makarskoj.",
             ["SPLIT", "Splitu", "USKOK-a", "Tomislav Jurić", "Makarskoj"],
             ["3,1 milijun eura"]),
    "hrm2": ("hr",
             "Istražitelji sumnjaju da je novac stizao od prodaje kokaina u Zagrebu i Rijeci. "
             "Jurićev branitelj tvrdi da su sve transakcije bile zakonite i prijavljene Poreznoj "
             "upravi. Sud u Splitu odlučit će o istražnom zatvoru do petka.",
             ["Zagrebu", "Rijeci", "Poreznoj upravi", "Splitu"],
             []),
    # PNG scan, English
    "ens1": ("en",
             "TUZLA – Police in Tuzla have arrested a lawyer suspected of helping a drug "
             "trafficking group to launder money through a chain of petrol stations. The State "
             "Investigation and Protection Agency (SIPA) said the lawyer, Mirza Hodžić, set up "
             "nine companies in Bosnia and Herzegovina and Slovenia in less than two years. "
             "Investigators believe the network moved at least $1.4 million.",
             ["TUZLA", "Tuzla", "State Investigation and Protection Agency", "SIPA",
              "Mirza Hodžić", "Bosnia and Herzegovina", "Slovenia"],
             ["$1.4 million"]),
    "ens2": ("en",
             "Europol supported the operation with analysts in The Hague and Sarajevo. Officers "
             "seized cash, three cars and €250,000 held in bank accounts in Ljubljana. Hodžić "
             "has denied any wrongdoing, his office said in a statement.",
             ["Europol", "The Hague", "Sarajevo", "Ljubljana", "Hodžić"],
             ["€250,000"]),
    "ens3": ("en",
             "The case follows a regional agreement signed in Zagreb in which police forces from "
             "Croatia, Serbia, Montenegro and Bosnia promised to share financial intelligence "
             "more quickly. Critics say the agreement has so far produced few convictions.",
             ["Zagreb", "Croatia", "Serbia", "Montenegro", "Bosnia"],
             []),
    # JPEG scan, Croatian
    "hrs1": ("hr",
             "OSIJEK – Djelatnici USKOK-a i policije u Osijeku uhitili su petoricu osoba "
             "osumnjičenih za krijumčarenje migranata preko granice sa Srbijom. Prema USKOK-u, "
             "skupina je od svakog migranta naplaćivala do 3.000 eura. Vođom skupine smatra se "
             "Dario Knežević, bivši carinik iz Vukovara.",
             ["OSIJEK", "USKOK-a", "Osijeku", "Srbijom", "USKOK-u", "Dario Knežević",
              "Vukovara"],
             ["3.000 eura"]),
    "hrs2": ("hr",
             "Istražitelji procjenjuju da je skupina u tri godine zaradila oko 850.000 kuna i "
             "2,7 milijuna eura. Dio novca uložen je u stanove u Zagrebu i u kuću na otoku "
             "Braču. Policija je zaplijenila i dva kombija kojima su migranti prevoženi.",
             ["Zagrebu", "Braču"],
             ["850.000 kuna", "2,7 milijuna eura"]),
    "hrs3": ("hr",
             "Knežević je pred istražnim sucem Županijskog suda u Osijeku odbio iznijeti "
             "obranu. Njegov odvjetnik Krešimir Lovrić rekao je da će zatražiti ukidanje "
             "istražnog zatvora.",
             ["Knežević", "Županijskog suda u Osijeku", "Krešimir Lovrić"],
             []),
    # TIFF scan: page 1 Serbian Latin, page 2 Serbian Cyrillic
    "sls1": ("sr-Latn",
             "BEOGRAD – Viši sud u Beogradu potvrdio je optužnicu protiv Darka Šarića i još "
             "petorice okrivljenih za pranje novca stečenog trgovinom kokainom. Prema "
             "optužnici, novac je preko firmi u Vojvodini i Crnoj Gori uložen u hotele i "
             "poljoprivredno zemljište. Tužilaštvo za organizovani kriminal traži oduzimanje "
             "imovine vredne 1,8 miliona evra.",
             ["BEOGRAD", "Viši sud u Beogradu", "Darka Šarića", "Vojvodini", "Crnoj Gori",
              "Tužilaštvo za organizovani kriminal"],
             ["1,8 miliona evra"]),
    "sls2": ("sr-Latn",
             "Šarićevi branioci tvrde da je novac zarađen legalnim poslovanjem. Sud je zakazao "
             "sledeće ročište za septembar, kada bi trebalo da svedoče finansijski veštaci iz "
             "Novog Sada i Subotice.",
             ["Novog Sada", "Subotice"],
             []),
    "cys1": ("sr-Cyrl",
             "НОВИ САД – Полиција у Новом Саду ухапсила је тројицу мушкараца осумњичених да су "
             "за групу Дарка Шарића превозили готовину у Црну Гору. Према наводима тужилаштва, "
             "курири су у аутомобилима са скривеним преградама пренели најмање 600.000 евра. "
             "Један од ухапшених, Милош Петровић, запослен је у јавном предузећу.",
             ["НОВИ САД", "Новом Саду", "Дарка Шарића", "Црну Гору", "Милош Петровић"],
             ["600.000 евра"]),
    "cys2": ("sr-Cyrl",
             "Истрагу води Тужилаштво за организовани криминал у сарадњи са полицијом Црне Горе "
             "и Европолом. Осумњиченима је одређено задржавање до 48 сати.",
             ["Тужилаштво за организовани криминал", "Црне Горе", "Европолом"],
             []),
    # image-only PDF scan, Serbian Cyrillic
    "cyp1": ("sr-Cyrl",
             "ПОДГОРИЦА – Специјално државно тужилаштво саопштило је да је у луци Бар заплењено "
             "120 килограма кокаина скривеног у контејнеру са бананама. Истражитељи сумњају да "
             "је пошиљка била намењена групи Радоја Звицера. Вредност дроге на тржишту "
             "процењује се на 3,4 милиона евра.",
             ["ПОДГОРИЦА", "Специјално државно тужилаштво", "Бар", "Радоја Звицера"],
             ["3,4 милиона евра"]),
    "cyp2": ("sr-Cyrl",
             "Европол је саопштио да је у акцији учествовала и полиција из Сарајева и Загреба. "
             "Према истом извору, Звицер се и даље крије у иностранству.",
             ["Европол", "Сарајева", "Загреба", "Звицер"],
             []),
    # scan, Macedonian (ќ, ѓ, ѕ, ј, љ, њ)
    "mks1": ("mk",
             "СКОПЈЕ – Македонската полиција уапси двајца осомничени за шверц на кокаин преку "
             "пристаништето во Солун. Според обвинителството, групата соработувала со луѓе на "
             "Дарко Шариќ и перела пари преку фирми во Скопје и Битола. Дрогата била скриена "
             "во ѕидовите на еден камион, а нејзината вредност се проценува на 2,5 милиони евра.",
             ["Солун", "Дарко Шариќ", "Скопје", "Битола"],
             ["2,5 милиони евра"]),
    "mks2": ("mk",
             "Истрагата ја води Јавното обвинителство за гонење организиран криминал и корупција "
             "во соработка со Европол. Осомничените се во притвор од триесет дена.",
             ["Европол"],
             []),
}

# The corpus: file in docs/, kind, producer, pages (paragraph keys per page),
# and what each file exercises. "scan" pages also carry (seed, skew degrees).
DOCUMENTS = [
    dict(file="hr-reportlab.pdf", kind="digital", producer="reportlab",
         pages=[["hr1", "hr2"], ["hr3"]],
         features=["TrueType subset fonts (Liberation Serif)", "line-end hyphen organi-/zacije",
                   "page 2 has /Rotate 90 (landscape, text drawn rotated to read upright)"]),
    dict(file="sr-cyrl-fpdf2.pdf", kind="digital", producer="fpdf2",
         pages=[["cy1", "cy2", "cy3"]],
         features=["Type0 Identity-H CID font (DejaVu Sans, embedded subset)",
                   "line-end hyphen органи-/зације"]),
    dict(file="sr-latn-ghostscript.pdf", kind="digital", producer="ghostscript",
         pages=[["sl1", "sl2", "sl3"]],
         features=["ps2pdf from hand-written PostScript", "Helvetica re-encoded for č ć đ š ž",
                   "compound split at its hyphen srpsko-/crnogorske"]),
    dict(file="en-chromium.pdf", kind="digital", producer="chromium",
         pages=[["enc1", "enc2", "enc3"]],
         features=["Chromium headless print-to-pdf (Skia)", "browser line wrapping"]),
    dict(file="en-handwritten.pdf", kind="digital", producer="handwritten",
         pages=[["enh1", "enh2"], ["enl1", "enl2", "enr1", "enr2"]],
         columns={1: (["enl1", "enl2"], ["enr1", "enr2"])},
         features=["standard Helvetica, WinAnsi, not embedded", "Tj, ', \" and TJ with kerning",
                   "line-end hyphen organi-/zation", "compound split Bosnia-/Herzegovina",
                   "page 2: two columns drawn row by row, left and right lines alternating"]),
    dict(file="mixed-en-hr.pdf", kind="mixed", producer="reportlab",
         pages=[["enm1", "enm2"], ["hrm1", "hrm2"]],
         scan_pages={1: (1701, -0.7)},
         features=["page 1 text layer (DejaVu Sans)",
                   "page 2 a scanned image only (JPEG), no text layer"]),
    dict(file="scan-en.png", kind="scan", producer="pillow",
         pages=[["ens1", "ens2", "ens3"]], scan_pages={0: (1101, 0.8)},
         features=["300 dpi grey PNG", "skew, blur, speckle noise"]),
    dict(file="scan-hr.jpg", kind="scan", producer="pillow",
         pages=[["hrs1", "hrs2", "hrs3"]], scan_pages={0: (1201, -1.2)},
         features=["300 dpi grey JPEG quality 85", "skew, blur, speckle noise"]),
    dict(file="scan-sr.tiff", kind="scan", producer="pillow",
         pages=[["sls1", "sls2"], ["cys1", "cys2"]], scan_pages={0: (1301, 0.6), 1: (1302, -0.9)},
         features=["two-page 300 dpi grey TIFF (deflate)", "page 1 Latin, page 2 Cyrillic",
                   "skew, blur, speckle noise"]),
    dict(file="scan-mk.png", kind="scan", producer="pillow",
         pages=[["mks1", "mks2"]], scan_pages={0: (1501, -0.5)},
         features=["300 dpi grey PNG, Macedonian", "skew, blur, speckle noise"]),
    dict(file="scan-sr-cyrl.pdf", kind="scan", producer="pillow",
         pages=[["cyp1", "cyp2"]], scan_pages={0: (1401, 1.3)},
         features=["image-only PDF, 300 dpi grey JPEG", "skew, blur, speckle noise"]),
]

# --- Fixed settings ----------------------------------------------------------

rl_config.useA85 = 0  # binary streams: no ASCII85 wrapper around the scan JPEG

FIXED_DATE = datetime.datetime(2024, 1, 15, 12, 0, 0, tzinfo=datetime.timezone.utc)
FIXED_PDF_DATE = "D:20240115120000+00'00'"  # same length as Chromium's date strings

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation",
             "/usr/share/fonts/TTF", "/usr/share/fonts/dejavu", "/usr/share/fonts/liberation"]
FONT_HINT = "Debian: apt-get install fonts-dejavu-core fonts-liberation; or set NERPIPE_FONT_DIR"

PAGE_W, PAGE_H = A4  # 595.28 x 841.89 pt

# Scans: A4 at 300 dpi, 12 pt Liberation Serif (50 px), 1 inch margins.
DPI = 300
SCAN_W, SCAN_H = 2480, 3508
SCAN_FONT, SCAN_PX = "LiberationSerif-Regular.ttf", 50
SCAN_MARGIN, SCAN_LEADING, SCAN_GAP = 300, 68, 40
SCAN_INK, SCAN_PAPER = 25, 244  # grey levels after the scan's tone curve
SCAN_BLUR = 0.6  # Gaussian radius in px
SPECKLE = 0.004  # share of pixels moved by Gaussian noise (sigma 40)
DUST = 0.000015  # share of pixels with a dark 2x2 speck
JPEG_QUALITY = 85

# --- Helpers -----------------------------------------------------------------


def fail(msg):
    sys.exit(f"make-scan-corpus: {msg}")


def find_font(name):
    extra = os.environ.get("NERPIPE_FONT_DIR")
    dirs = ([extra] if extra else []) + FONT_DIRS
    for d in dirs:
        path = os.path.join(d, name)
        if os.path.isfile(path):
            return path
    fail(f"font {name} not found in {', '.join(dirs)} ({FONT_HINT})")


def run(cmd, **kw):
    """Runs a tool; on failure shows the end of what it printed."""
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        fail(f"{os.path.basename(cmd[0])} failed (exit {r.returncode}):\n"
             + (r.stdout + r.stderr)[-2000:])


def find_tool(names, hint):
    for n in names:
        path = shutil.which(n)
        if path:
            return path
    fail(f"none of {', '.join(names)} on PATH ({hint})")


def plain(text):
    return text.replace(SOFT, "").replace(HARD, "")


def truth(keys):
    return "\n\n".join(plain(PARAGRAPHS[k][1]) for k in keys)


def greedy(words, width, measure):
    """Greedy wrap of a word list at spaces."""
    lines, line = [], ""
    for word in words:
        if line and measure(line + " " + word) > width:
            lines.append(line)
            line = word
        else:
            line = line + " " + word if line else word
    lines.append(line)
    return lines


def forced_wrap(text, width, measure):
    """Lines where each SOFT mark ends a line with "prefix-" and each HARD
    mark ends one after the compound's hyphen; returns (lines, slack), slack
    being the widest gap left at the end of such a line."""
    parts = re.split(f"([{SOFT}{HARD}])", text)
    lines, slack = [], 0.0
    for i in range(0, len(parts), 2):
        seg = parts[i] + ("-" if i + 1 < len(parts) and parts[i + 1] == SOFT else "")
        lines += greedy(seg.split(" "), width, measure)
        if i + 1 < len(parts):
            slack = max(slack, width - measure(lines[-1]))
    return lines, slack


def wrap(text, width, measure, forced_breaks=False):
    """Lines of a paragraph. With forced_breaks every SOFT/HARD mark ends a
    line; of the measures from width down to 4/5 of it, the one whose split
    lines come closest to full is used, so the split looks like a real one."""
    if not forced_breaks or not re.search(f"[{SOFT}{HARD}]", text):
        return greedy(plain(text).split(" "), width, measure)
    best = min((forced_wrap(text, width - n, measure)[1], n) for n in range(int(width * 0.2)))
    return forced_wrap(text, width - best[1], measure)[0]


def layout_lines(keys, width, measure, forced_breaks=False):
    """Paragraphs of the page as lists of lines."""
    return [wrap(PARAGRAPHS[k][1], width, measure, forced_breaks) for k in keys]


# --- Producers: born-digital PDFs ----------------------------------------------


def rl_register(name, file):
    pdfmetrics.registerFont(TTFont(name, find_font(file)))


def rl_text_page(c, paragraphs, font, size, leading, gap, left, top):
    """Draws lines from (left, top) downwards in the current user space."""
    y = top
    for lines in paragraphs:
        for line in lines:
            c.setFont(font, size)
            c.drawString(left, y, line)
            y -= leading
        y -= gap


def make_reportlab(doc, path, ctx):
    rl_register("LiberationSerif", "LiberationSerif-Regular.ttf")
    font, size, leading, gap, margin = "LiberationSerif", 12, 16, 10, 72

    def measure(s):
        return pdfmetrics.stringWidth(s, font, size)

    c = canvas.Canvas(path, pagesize=A4, invariant=1)
    c.setTitle("Croatian organised crime briefs")
    c.setAuthor("nerpipe test corpus")
    page1, page2 = doc["pages"]
    rl_text_page(c, layout_lines(page1, PAGE_W - 2 * margin, measure, True),
                 font, size, leading, gap, margin, PAGE_H - margin)
    c.showPage()
    # Page 2: portrait MediaBox shown landscape (/Rotate 90 turns it clockwise);
    # the text is drawn turned 90 degrees anticlockwise so it reads upright.
    # With rotation 90 reportlab writes the MediaBox as [0 0 height width],
    # hence the landscape page size for a portrait MediaBox.
    c.setPageSize((PAGE_H, PAGE_W))
    c.setPageRotation(90)
    c.rotate(90)  # user (x, y) = (-ly, lx): lx runs along the landscape width
    rl_text_page(c, layout_lines(page2, PAGE_H - 2 * margin, measure, True),
                 font, size, leading, gap, margin, -margin - size)
    c.showPage()
    c.save()


def make_fpdf2(doc, path, ctx):
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title("Организовани криминал")
    pdf.set_author("nerpipe test corpus")
    pdf.set_lang("sr-Cyrl")
    pdf.add_font("DejaVuSans", "", find_font("DejaVuSans.ttf"))
    size, leading, gap, margin = 11, 16, 10, 64
    pdf.set_font("DejaVuSans", size=size)
    for keys in doc["pages"]:
        pdf.add_page()
        y = margin + size  # fpdf2's text() takes the baseline, y downwards
        for lines in layout_lines(keys, PAGE_W - 2 * margin, pdf.get_string_width, True):
            for line in lines:
                pdf.text(margin, y, line)
                y += leading
            y += gap
    pdf.output(path)


# Glyph names for the non-ASCII characters the PostScript file may show.
PS_GLYPHS = {"č": "ccaron", "Č": "Ccaron", "ć": "cacute", "Ć": "Cacute", "đ": "dcroat",
             "Đ": "Dcroat", "š": "scaron", "Š": "Scaron", "ž": "zcaron", "Ž": "Zcaron",
             "–": "endash", "€": "Euro"}


def make_ghostscript(doc, path, ctx):
    # Liberation Sans has Helvetica's widths, so it measures Ghostscript's
    # Helvetica substitute (Nimbus Sans).
    rl_register("LiberationSans", "LiberationSans-Regular.ttf")
    size, leading, gap, margin = 11, 15, 9, 70

    def measure(s):
        return pdfmetrics.stringWidth(s, "LiberationSans", size)

    pages = [layout_lines(keys, PAGE_W - 2 * margin, measure, True) for keys in doc["pages"]]
    codes = {}  # extra character -> byte code 128..
    for ch in sorted({ch for page in pages for lines in page for line in lines for ch in line}):
        if ord(ch) > 126:
            if ch not in PS_GLYPHS:
                fail(f"no PostScript glyph name for {ch!r}")
            codes[ch] = 128 + len(codes)

    def ps_string(s):
        out = []
        for ch in s:
            if ch in "()\\":
                out.append("\\" + ch)
            elif ch in codes:
                out.append(f"\\{codes[ch]:03o}")
            else:
                out.append(ch)
        return "(" + "".join(out) + ")"

    ps = ["%!PS-Adobe-3.0", f"%%Pages: {len(pages)}",
          f"%%BoundingBox: 0 0 {round(PAGE_W)} {round(PAGE_H)}", "%%EndComments",
          "% Helvetica, ISOLatin1Encoding plus the other characters this text uses",
          "/Helvetica findfont dup length dict begin",
          "  { 1 index /FID ne { def } { pop pop } ifelse } forall",
          "  /Encoding ISOLatin1Encoding 256 array copy",
          "    dup 45 /hyphen put"]  # ISOLatin1Encoding has /minus there
    ps += [f"    dup {code} /{PS_GLYPHS[ch]} put" for ch, code in codes.items()]
    ps += ["  def currentdict end /Helvetica-Latin2 exch definefont pop",
           f"<< /PageSize [{PAGE_W:.2f} {PAGE_H:.2f}] >> setpagedevice"]
    for n, page in enumerate(pages, 1):
        ps += [f"%%Page: {n} {n}", f"/Helvetica-Latin2 findfont {size} scalefont setfont"]
        y = PAGE_H - margin - size
        for lines in page:
            for line in lines:
                ps.append(f"{margin} {y:.2f} moveto {ps_string(line)} show")
                y -= leading
            y -= gap
        ps.append("showpage")
    ps.append("%%EOF")
    with open(os.path.join(ctx["tmp"], "sr-latn.ps"), "w", encoding="latin-1") as f:
        f.write("\n".join(ps) + "\n")
    # Ghostscript takes its dates from SOURCE_DATE_EPOCH and hashes them with
    # the output file name into /ID: fixed names in a fixed folder (cwd).
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(int(FIXED_DATE.timestamp())))
    run([ctx["ps2pdf"], "-dPDFSTOPONERROR", "-dSAFER", "sr-latn.ps", "gs.pdf"],
        env=env, cwd=ctx["tmp"])
    shutil.move(os.path.join(ctx["tmp"], "gs.pdf"), path)


HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Western Balkans crime briefs</title>
<style>
@page {{ size: A4; margin: 25mm 22mm; }}
body {{ font-family: "Liberation Serif", serif; font-size: 12pt; line-height: 1.35; }}
p {{ margin: 0 0 10pt 0; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""


def make_chromium(doc, path, ctx):
    body = "\n".join(f"<p>{escape(plain(PARAGRAPHS[k][1]))}</p>"
                     for keys in doc["pages"] for k in keys)
    src = os.path.join(ctx["tmp"], "en.html")
    with open(src, "w", encoding="utf-8") as f:
        f.write(HTML_TEMPLATE.format(body=body))
    out = os.path.join(ctx["tmp"], "chromium.pdf")
    run([ctx["chromium"], "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--user-data-dir={ctx['tmp']}/chromium-profile", f"--print-to-pdf={out}",
         "file://" + src], timeout=300)
    if not os.path.isfile(out):
        fail("Chromium wrote no PDF")
    data = open(out, "rb").read()
    # Skia stamps the current time as /CreationDate and /ModDate; overwrite
    # both with a fixed date of the same length so the xref offsets stay right.
    data, n = re.subn(rb"D:\d{14}[+-]\d\d'\d\d'", FIXED_PDF_DATE.encode(), data)
    if n != 2:
        fail(f"expected 2 date strings in Chromium's PDF, found {n}")
    with open(path, "wb") as f:
        f.write(data)


class RawPdf:
    """Objects numbered from 1, written with a correct xref table."""

    def __init__(self):
        self.objects = []

    def add(self, body):
        self.objects.append(body)
        return len(self.objects)

    def stream(self, content):
        return self.add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")

    def write(self, path, root, info):
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for n, body in enumerate(self.objects, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
        out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(self.objects) + 1, root, info, xref)
        with open(path, "wb") as f:
            f.write(out)


def pdf_str(s):
    if not s.isascii():
        fail(f"hand-written PDF text must be ASCII: {s!r}")
    return "(" + s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


KERNS = [-18, 25, 12, -10]  # TJ adjustments (1/1000 em), far below a word gap


def tj_array(line):
    """The line as a TJ array with a kerning number after every 5th letter
    that is inside a word (never next to a space)."""
    parts, run = [], ""
    for i, ch in enumerate(line):
        run += ch
        nxt = line[i + 1] if i + 1 < len(line) else " "
        if (i + 1) % 5 == 0 and ch != " " and nxt != " ":
            parts.append(pdf_str(run) + f" {KERNS[len(parts) % len(KERNS)]}")
            run = ""
    parts.append(pdf_str(run))
    return "[" + " ".join(parts) + "] TJ"


def make_handwritten(doc, path, ctx):
    size, leading, gap, margin = 11, 14, 12, 72

    def measure(s):
        return pdfmetrics.stringWidth(s, "Helvetica", size)

    # Page 1: one column; each line shown with Tj, ', " or T* + TJ in turn.
    ops = ["BT", f"/F1 {size} Tf", f"{leading} TL", f"{margin} {PAGE_H - margin - size:.2f} Td"]
    first = True
    for lines in layout_lines(doc["pages"][0], PAGE_W - 2 * margin, measure, True):
        if not first:
            ops.append(f"0 {-(leading + gap)} Td")
        for i, line in enumerate(lines):
            if i == 0:
                ops.append(f"{pdf_str(line)} Tj")
            elif i % 3 == 1:
                ops.append(f"{pdf_str(line)} '")
            elif i % 3 == 2:
                ops.append(f"0.5 0 {pdf_str(line)} \"")
            else:
                ops.append(f"T* {tj_array(line)}")
        first = False
    ops.append("ET")
    page1 = "\n".join(ops)

    # Page 2: two columns; lines sorted by height, so the content stream draws
    # left line, right line, left line, ... (drawing order mixes the columns).
    size2, leading2, gap2, gutter = 10, 13, 10, 30
    col_w = (PAGE_W - 2 * margin - gutter) / 2
    left_keys, right_keys = doc["columns"][1]
    placed = []

    def measure2(s):
        return pdfmetrics.stringWidth(s, "Helvetica", size2)

    for x, keys in ((margin, left_keys), (margin + col_w + gutter, right_keys)):
        y = PAGE_H - margin - size2
        for lines in layout_lines(keys, col_w, measure2):
            for line in lines:
                placed.append((-round(y, 2), x, line))
                y -= leading2
            y -= gap2
    ops = ["BT", f"/F1 {size2} Tf"]
    for neg_y, x, line in sorted(placed):
        ops.append(f"1 0 0 1 {x:.2f} {-neg_y:.2f} Tm {pdf_str(line)} Tj")
    ops.append("ET")
    page2 = "\n".join(ops)

    pdf = RawPdf()
    catalog = pdf.add(b"<< /Type /Catalog /Pages 2 0 R >>")
    pdf.add(b"")  # 2: the page tree, filled in below
    font = pdf.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                   b"/Encoding /WinAnsiEncoding >>")
    kids = []
    for content in (page1, page2):
        stream = pdf.stream(content.encode("ascii"))
        kids.append(pdf.add(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "
                            b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                            % (PAGE_W, PAGE_H, font, stream)))
    pdf.objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    info = pdf.add(b"<< /Title (Western Balkans briefs) /Producer (nerpipe make-scan-corpus.py) "
                   b"/CreationDate (" + FIXED_PDF_DATE.encode() + b") >>")
    pdf.write(path, catalog, info)


def make_mixed(doc, path, ctx):
    rl_register("DejaVuSans", "DejaVuSans.ttf")
    font, size, leading, gap, margin = "DejaVuSans", 11, 15, 10, 72

    def measure(s):
        return pdfmetrics.stringWidth(s, font, size)

    c = canvas.Canvas(path, pagesize=A4, invariant=1)
    c.setTitle("Asset freezes")
    rl_text_page(c, layout_lines(doc["pages"][0], PAGE_W - 2 * margin, measure),
                 font, size, leading, gap, margin, PAGE_H - margin)
    c.showPage()
    seed, skew = doc["scan_pages"][1]
    jpeg = io.BytesIO()
    scan = render_scan(doc["pages"][1], seed, skew)
    scan.save(jpeg, "JPEG", quality=JPEG_QUALITY, dpi=(DPI, DPI))
    jpeg.seek(0)
    c.drawImage(ImageReader(jpeg), 0, 0, width=PAGE_W, height=PAGE_H)
    c.showPage()
    c.save()


# --- Scans ---------------------------------------------------------------------


def render_scan(keys, seed, skew):
    """A4 page at 300 dpi: the paragraphs in black on white, turned by skew
    degrees, blurred, toned to grey paper and ink, with seeded speckles."""
    font = ImageFont.truetype(find_font(SCAN_FONT), SCAN_PX)
    img = Image.new("L", (SCAN_W, SCAN_H), 255)
    draw = ImageDraw.Draw(img)
    y = SCAN_MARGIN + SCAN_PX
    for lines in layout_lines(keys, SCAN_W - 2 * SCAN_MARGIN, font.getlength):
        for line in lines:
            draw.text((SCAN_MARGIN, y), line, font=font, fill=0, anchor="ls")
            y += SCAN_LEADING
        y += SCAN_GAP
    if y > SCAN_H - SCAN_MARGIN:
        fail(f"scan text of {keys} does not fit on the page")
    img = img.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(SCAN_BLUR))
    img = img.point(lambda v: SCAN_INK + (SCAN_PAPER - SCAN_INK) * v // 255)
    buf = bytearray(img.tobytes())
    rng = random.Random(seed)
    n = SCAN_W * SCAN_H
    for _ in range(int(n * SPECKLE)):
        i = rng.randrange(n)
        buf[i] = max(0, min(255, buf[i] + round(rng.gauss(0, 40))))
    for _ in range(int(n * DUST)):
        i = rng.randrange(n - SCAN_W - 1)
        for j in (i, i + 1, i + SCAN_W, i + SCAN_W + 1):
            buf[j] = min(buf[j], 110)
    return Image.frombytes("L", (SCAN_W, SCAN_H), bytes(buf))


def make_scan(doc, path, ctx):
    images = [render_scan(keys, *doc["scan_pages"][i]) for i, keys in enumerate(doc["pages"])]
    ext = os.path.splitext(path)[1]
    if ext == ".png":
        images[0].save(path, "PNG", compress_level=9, dpi=(DPI, DPI))
    elif ext == ".jpg":
        images[0].save(path, "JPEG", quality=JPEG_QUALITY, dpi=(DPI, DPI))
    elif ext == ".tiff":
        images[0].save(path, "TIFF", save_all=True, append_images=images[1:],
                       compression="tiff_deflate", dpi=(DPI, DPI))
    elif ext == ".pdf":
        images[0].save(path, "PDF", save_all=True, append_images=images[1:],
                       resolution=DPI, quality=JPEG_QUALITY, title="Scan",
                       creationDate=FIXED_DATE.timetuple(), modDate=FIXED_DATE.timetuple())
    else:
        fail(f"no scan format for {path}")


PRODUCERS = {"reportlab": make_reportlab, "fpdf2": make_fpdf2, "ghostscript": make_ghostscript,
             "chromium": make_chromium, "handwritten": make_handwritten, "pillow": make_scan}


# --- Output ----------------------------------------------------------------------


def check_tables():
    for key, (_, text, names, amounts) in PARAGRAPHS.items():
        for s in names + amounts:
            if s not in plain(text):
                fail(f"paragraph {key}: planted {s!r} is not in the text")


def write_manifest(outdir, entries):
    """manifest.json: a list, one object per document:
      file      path under OUTDIR (docs/NAME)
      kind      "digital" (text layer), "scan" (images only), "mixed"
      producer  reportlab | fpdf2 | ghostscript | chromium | handwritten | pillow
      language  "en" | "hr" | "sr-Latn" | "sr-Cyrl" | "mk", or a list (one per page)
      pages     page count
      truth     per-page ground truth, paragraphs joined with "\\n\\n"
      control   path under OUTDIR (controls/NAME.txt) of all pages' text
      names     planted people, organisations and places as they appear
      amounts   planted amounts as they appear
      features  what the file exercises (free text)
    """
    with open(os.path.join(outdir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(entries, f, ensure_ascii=False, indent=2)
        f.write("\n")


def unique(items):
    return list(dict.fromkeys(items))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make-scan-corpus.py OUTDIR")
    outdir = sys.argv[1]
    if os.path.exists(outdir) and (not os.path.isdir(outdir) or os.listdir(outdir)):
        fail(f"{outdir} exists and is not an empty folder; refusing to write into it")
    check_tables()
    ctx = {"ps2pdf": find_tool(["ps2pdf"], "Debian: apt-get install ghostscript"),
           "chromium": find_tool(["chromium", "chromium-browser", "google-chrome"],
                                 "Debian: apt-get install chromium")}
    for font in ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "LiberationSerif-Regular.ttf"):
        find_font(font)
    os.makedirs(os.path.join(outdir, "docs"), exist_ok=True)
    os.makedirs(os.path.join(outdir, "controls"), exist_ok=True)
    entries = []
    with tempfile.TemporaryDirectory(prefix="scan-corpus-") as tmp:
        ctx["tmp"] = tmp
        for doc in DOCUMENTS:
            path = os.path.join(outdir, "docs", doc["file"])
            make = make_mixed if doc["kind"] == "mixed" else PRODUCERS[doc["producer"]]
            make(doc, path, ctx)
            pages = [truth(keys) for keys in doc["pages"]]
            control = os.path.splitext(doc["file"])[0] + ".txt"
            with open(os.path.join(outdir, "controls", control), "w", encoding="utf-8") as f:
                f.write("\n\n".join(pages) + "\n")
            keys = [k for page in doc["pages"] for k in page]
            langs = unique(PARAGRAPHS[k][0] for k in keys)
            page_langs = [PARAGRAPHS[page[0]][0] for page in doc["pages"]]
            entries.append({
                "file": "docs/" + doc["file"],
                "kind": doc["kind"],
                "producer": doc["producer"],
                "language": langs[0] if len(langs) == 1 else page_langs,
                "pages": len(doc["pages"]),
                "truth": pages,
                "control": "controls/" + control,
                "names": unique(n for k in keys for n in PARAGRAPHS[k][2]),
                "amounts": unique(a for k in keys for a in PARAGRAPHS[k][3]),
                "features": doc["features"],
            })
            print(f"make-scan-corpus: wrote docs/{doc['file']}", file=sys.stderr)
    write_manifest(outdir, entries)


if __name__ == "__main__":
    main()

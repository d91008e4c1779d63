#!/usr/bin/env python3
"""Writes corpus/mail/brcko-tip.eml: a fictional tip-off mail in Bosnian
(quoted-printable, ISO-8859-2, as older Balkan mail clients send it) with the
sample PDF report attached. Stdlib only; the output is the same on every run."""
import email.policy
from email.message import EmailMessage
from email.utils import format_datetime
import datetime
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
pdf = (root / "corpus/reports/brcko-fuel-corridor.pdf").read_bytes()

msg = EmailMessage(policy=email.policy.SMTP)
msg["From"] = "Amra Begović <amra.begovic@example.ba>"
msg["To"] = "Redakcija Adriatic Ledger <desk@example.org>, Haris Mehmedović <haris.m@example.ba>"
msg["Cc"] = "noreply <noreply@example.ba>"
msg["Date"] = format_datetime(
    datetime.datetime(2025, 7, 2, 16, 45, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
)
msg["Subject"] = "Dizel preko Brčkog – dokumenti"
msg["Message-ID"] = "<tip-2025-07-02@example.ba>"
body = (
    "Poštovani,\n\n"
    "u prilogu je izvještaj o cisternama koje su prošle kroz granični prijelaz Brčko. "
    "Prema mojim izvorima, Željko Marić je ovu sedmicu ponovo viđen u Orašju sa "
    "carinikom Nenadom Jurićem. Uprava za indirektno oporezivanje zna za slučaj "
    "još od marta 2024.\n\n"
    "Pozdrav,\nAmra Begović\n"
)
msg.set_content(body, charset="iso-8859-2", cte="quoted-printable")
msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="brcko-fuel-corridor.pdf")
msg.set_boundary("nerpipe-sample-boundary")
out = root / "corpus/mail/brcko-tip.eml"
out.parent.mkdir(parents=True, exist_ok=True)
out.write_bytes(msg.as_bytes())
print(out)

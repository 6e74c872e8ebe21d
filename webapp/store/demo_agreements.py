"""The demo's framework agreements (those the seed texts name, each with its risk areas),
its campaigns, and the suppliers on agreements not yet followed up.
"""

from __future__ import annotations

#: the twelve risk areas of the seed text, as contract.risk_areas ids
RISK_AREAS = ("cotton", "textiles", "electronics", "rare_earths_mining", "agriculture",
              "plastics", "cleaning_chemicals", "medical_equipment", "electrical_machinery",
              "mechanical_apparatus", "toys_sports", "vehicles")

#: audit firms that exist and carry out social audits (SMETA, amfori BSCI, RBA VAP...)
AUDIT_FIRMS = ("SGS", "Bureau Veritas", "Intertek", "TÜV Rheinland", "ELEVATE", "QIMA",
               "UL Solutions")

# name, reference, year, risk areas (ids of RISK_AREAS)
CONTRACTS = [
    ("Hälso- och sjukvårdsmaterial 2018", "HSM-2018", 2018,
     ["medical_equipment", "plastics", "textiles"]),
    ("Bristvaror till kommunala vård- och omsorgsverksamheter 2020", "BRV-2020", 2020,
     ["medical_equipment", "textiles", "plastics"]),
    ("Arbetsplatser och elevdatorer 2015", "AEL-2015", 2015,
     ["electronics", "rare_earths_mining"]),
    ("AV-produkter och tjänster 2018", "AV-2018", 2018, ["electronics", "electrical_machinery"]),
    ("Fordon 2018", "FOR-2018", 2018, ["vehicles", "rare_earths_mining", "electronics"]),
    ("Möbler 2017", "MOB-2017", 2017, ["textiles", "plastics", "mechanical_apparatus"]),
    ("Yrkeskläder och skor 2016", "YKS-2016", 2016, ["cotton", "textiles", "plastics"]),
    ("Entrémattor 2017", "ENM-2017", 2017, ["textiles", "plastics"]),
    ("Entrézoner – fast installerade entrémattor 2019", "ENZ-2019", 2019,
     ["textiles", "plastics"]),
    ("Medicinteknisk utrustning STIC 2020", "MTU-2020", 2020,
     ["medical_equipment", "electronics"]),
    ("Solavskärmning STIC 2016", "SOL-2016", 2016, ["textiles", "mechanical_apparatus"]),
    ("Tvätteritjänster STIC 2016", "TVT-2016", 2016,
     ["cotton", "textiles", "cleaning_chemicals"]),
    ("Järnhandelsvaror inklusive skyddsutrustning 2017", "JHV-2017", 2017,
     ["mechanical_apparatus", "plastics", "textiles"]),
    ("Vitvaror 2016", "VIT-2016", 2016, ["electrical_machinery"]),
    ("Storköksutrustning 2016", "SKU-2016", 2016,
     ["electrical_machinery", "mechanical_apparatus"]),
    ("Solcellslösningar (anläggning) 2019", "SCA-2019", 2019,
     ["electronics", "rare_earths_mining"]),
    ("Solcellslösningar (varukorg) 2019", "SCV-2019", 2019,
     ["electronics", "rare_earths_mining"]),
    ("Konstgräs 2019", "KGR-2019", 2019, ["plastics"]),
    ("Belöningsleksaker 2019", "BEL-2019", 2019, ["toys_sports", "plastics"]),
    ("Lekmaterial 2017", "LEK-2017", 2017, ["toys_sports", "plastics", "textiles"]),
    ("Idrottsmaterial inklusive säkerhetsbesiktning STIC 2020", "IDR-2020", 2020,
     ["toys_sports", "textiles"]),
    ("Trygghetslarm och larmmottagning 2015", "TRL-2015", 2015, ["electronics"]),
    ("Hygienartiklar och städmaterial 2018", "HYG-2018", 2018,
     ["cleaning_chemicals", "plastics", "cotton"]),
]

# key -> questionnaire id, campaign name, contract reference
CAMPAIGNS = {
    "masks": ("ppe-masks-aprons", "Munskydd och förkläden: uppföljning 2026", "BRV-2020"),
    "gloves": ("gloves", "Handskar: uppföljning 2026", "HSM-2018"),
    "it": ("it-hardware", "IT-hårdvara: gemensamt brev, uppföljning 2026", "AEL-2015"),
    "av": ("it-hardware", "AV-produkter: gemensamt brev, uppföljning 2026", "AV-2018"),
}

# suppliers on the other agreements, not yet selected for a follow-up round
WAITING = [
    ("Nordfordon Kommunal AB", "556712-4410", ["FOR-2018"]),
    ("Kontorsmöbler i Småland AB", "556488-2031", ["MOB-2017"]),
    ("Arbetsklädsel Sverige AB", "556301-7785", ["YKS-2016", "TVT-2016"]),
    ("Entréservice Norden AB", "556590-3326", ["ENM-2017", "ENZ-2019"]),
    ("Solskydd & Markis i Mälardalen AB", "556823-5519", ["SOL-2016"]),
    ("Köksmaskiner Norr AB", "556144-8862", ["VIT-2016", "SKU-2016"]),
    ("Solkraft Installation AB", "559012-6640", ["SCA-2019", "SCV-2019"]),
    ("Konstgräsgruppen AB", "556977-1208", ["KGR-2019"]),
    ("Lekverkstan Sverige AB", "556655-0937", ["BEL-2019", "LEK-2017"]),
    ("Idrottsutrustning Norden AB", "556402-6671", ["IDR-2020"]),
    ("Larmcentralen Teknik AB", "556236-9904", ["TRL-2015"]),
]

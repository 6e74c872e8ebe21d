"""The demo's glove suppliers on "Hälso- och sjukvårdsmaterial 2018": Thai and Malaysian
nitrile factories, among them two follow-ups modelled on Region Jönköping's (migrant
workers' recruitment fees and held passports, an action plan and a re-audit), and a
Chinese vinyl glove maker whose PVC comes from the UFLPA-listed Xinjiang Zhongtai.
"""

from __future__ import annotations

from .demo_cast import Audit, Deviation, Persona, Site

_KLANG_AUDIT = Audit("smeta", 200, "SGS", 12, 9, 3, "in_progress")
_KULIM_AUDIT = Audit("smeta", 330, "Bureau Veritas", 8, 5, 2, "closed")

GLOVES = [
    Persona(
        "Handskcentralen Sverige AB", "556281-0459", "Maria Ekström",
        "hallbarhet@handskcentralen.example", "gloves", "gloves", "accepted", "green",
        agreements=("JHV-2017", "SKU-2016"), role="brand_owner", products=("nitrile",),
        origins=("myanmar", "cambodia"), dormitory=True,
        sites=(
            Site(1, "integrated", "Songkhla Rubber Gloves Co., Ltd.", "Hat Yai", "TH-90",
                 "Nitrilhandskar", Audit("smeta", 120, "Intertek", 4, 0, 0, "closed"),
                 1800, 35),
            Site(2, "nbr_latex", "Siam Synthetic Latex Co., Ltd.", "Map Ta Phut", "TH-21",
                 "NBR-latex", Audit("amfori_bsci", 260, "SGS")),
            Site(2, "formers", "Lampang Ceramic Formers Co., Ltd.", "Lampang", "TH-52",
                 "Handformar i porslin", Audit("amfori_bsci", 300, "QIMA")),
            Site(2, "packaging", "Hat Yai Carton Industry Co., Ltd.", "Hat Yai", "TH-90",
                 "Kartonger", None),
        ),
        justification="Hela kedjan ligger i Thailand och är kartlagd ned till NBR-latexen i "
                      "Map Ta Phut. Fabriken i Hat Yai har en SMETA-revision (Intertek) från i "
                      "år med fyra mindre avvikelser, alla stängda; migrantarbetarna från "
                      "Myanmar betalar inga avgifter och har sina pass. Inga flaggor."),
    Persona(
        "Latexia Nordic AB", "556745-3318", "Anders Lund", "anders.lund@latexia.example",
        "gloves", "gloves", "accepted", "red", agreements=("HYG-2018",), role="brand_owner",
        products=("nitrile",), fees="yes", fees_repaid="plan_agreed", passports="yes",
        origins=("nepal", "bangladesh"), dormitory=True, hours=64, deviations_found=True,
        quality="partial",
        sites=(
            Site(1, "integrated", "Kulim Medical Gloves Sdn. Bhd.", "Kulim", "MY-02",
                 "Nitrilhandskar", _KULIM_AUDIT, 2400, 58),
            Site(2, "nbr_latex", "Pasir Gudang Polymers Sdn. Bhd.", "Pasir Gudang", "MY-01",
                 "NBR-latex", Audit("amfori_bsci", 400, "UL Solutions")),
        ),
        texts={"fee_remediation": "Revisionen i Kulim visade att 1 140 arbetare från Nepal "
                                  "och Bangladesh betalat 3 000–5 000 ringgit i avgifter. "
                                  "Fabriken har förbundit sig att betala tillbaka allt inom "
                                  "sex månader.",
               "passports_return": "Passen förvarades på personalkontoret. De lämnas nu "
                                   "tillbaka och personliga låsbara skåp byggs.",
               "audit_findings": "SMETA-revisionen fann 15 avvikelser i Kulim, två kritiska."},
        justification="Fabriken i Kulim har migrantarbetare som betalat "
                      "rekryteringsavgifter som inte betalats tillbaka, och arbetsgivaren "
                      "förvarar deras pass. Åtgärdsplan med återbetalning, återlämnade pass "
                      "och ny revision.",
        plan=(
            Deviation("critical", "Rekryteringsavgifterna ska betalas tillbaka till alla "
                      "1 140 berörda arbetare i Kulim, med kvitton per person.", 60, "closed",
                      "Sista utbetalningen gjord; kvittolista bifogad."),
            Deviation("critical", "Passen ska lämnas tillbaka och låsbara skåp finnas.", 30,
                      "closed", "Alla pass återlämnade, 600 skåp monterade."),
            Deviation("major", "Arbetstiden ska hållas under 60 timmar i veckan.", 45,
                      "closed", "Nytt skiftschema sedan augusti."),
            Deviation("major", "Anställningsavtal på arbetarnas eget språk (nepali, "
                      "bengali).", 45, "closed", "Översatta avtal signerade."),
            Deviation("minor", "Klagomålskanal som arbetarna kan använda anonymt.", 60,
                      "closed", "Telefonlinje med tolk i drift."),
        )),
    Persona(
        "Nitrilgruppen AB", "556612-7706", "Fatima Rahimi", "fatima@nitrilgruppen.example",
        "gloves", "gloves", "action_plan", "red", role="distributor",
        products=("nitrile", "latex"), fees="yes", fees_repaid="not_repaid", passports="yes",
        origins=("nepal", "myanmar", "bangladesh"), dormitory=True, hours=70,
        deviations_found=True, quality="partial",
        sites=(
            Site(1, "dipping", "Klang Valley Glove Manufacturing Sdn. Bhd.", "Klang", "MY-10",
                 "Nitril- och latexhandskar", _KLANG_AUDIT, 3100, 72),
            Site(1, "packaging", "Meru Packaging Services Sdn. Bhd.", "Klang", "MY-10",
                 "Förpackning", Audit("smeta", 200, "SGS", 3, 1, 0, "closed"), 240, 40),
            Site(2, "nbr_latex", "Selangor Latex Compounds Sdn. Bhd.", "Shah Alam", "MY-10",
                 "NBR-latex", None),
        ),
        texts={"fee_remediation": "Arbetarna i Klang har betalat 4 000–6 000 ringgit till "
                                  "agenter i Nepal och Myanmar. Fabriken har ännu inte "
                                  "betalat tillbaka något; en plan förhandlas.",
               "passports_return": "Passen förvaras av fabrikens HR-avdelning och lämnas ut "
                                   "på begäran. Vi har krävt att de lämnas tillbaka."},
        justification="Revisionen av fabriken i Klang (SGS, SMETA) fann 24 avvikelser: "
                      "rekryteringsavgifter som inte betalats tillbaka, pass som "
                      "arbetsgivaren håller och 70-timmarsveckor. Åtgärdsplan med "
                      "uppföljande revision.",
        plan=(
            Deviation("critical", "Rekryteringsavgifterna ska betalas tillbaka till alla "
                      "berörda arbetare i Klang.", -14, "in_progress",
                      "Hälften av arbetarna har fått sina pengar."),
            Deviation("critical", "Passen ska lämnas tillbaka till arbetarna.", 20, "closed",
                      "Passen återlämnade mot kvittens."),
            Deviation("major", "Veckoarbetstid högst 60 timmar, en ledig dag i veckan.", 30,
                      "closed", "Nytt schema infört."),
            Deviation("major", "Sovsalarna: högst 8 per rum och fri utgång.", 40, "closed",
                      "Nya sovsalar tagna i bruk."),
            Deviation("minor", "Lönebesked på arbetarnas språk.", 40, "closed",
                      "Lönebesked på nepali och burmesiska."),
            Deviation("major", "Uppföljande SMETA-revision av en oberoende revisor.", 75,
                      "open"),
        )),
    Persona(
        "Klinikförråd Väst AB", "556488-9902", "Ola Svensson", "ola@klinikforrad.example",
        "gloves", "gloves", "clarification_requested", "amber", agreements=("MTU-2020",),
        products=("nitrile",), mapping="tier2_3", mapped_share=70, quality="partial",
        fees="dont_know", xj_tier="dont_know", labour_transfer="dont_know",
        origins=("nepal", "indonesia"),
        sites=(
            Site(1, "integrated", "Perak Nitrile Industries Sdn. Bhd.", "Ipoh", "MY-08",
                 "Nitrilhandskar", Audit("amfori_bsci", 350, "TÜV Rheinland", 6, 1, 0,
                                          "closed"), 1500, 25),
            Site(2, "nbr_latex", "Kemaman Synthetic Rubber Sdn. Bhd.", "Kemaman", "MY-11",
                 "NBR-latex", None),
        ),
        clarify={
            "recruitment_fees": "Ni svarar \"vet ej\" om rekryteringsavgifter. Fråga "
                                "fabriken i Ipoh vad arbetarna från Nepal och Indonesien "
                                "betalat till agenter, och bifoga underlaget.",
            "xinjiang_tier": "Ange varifrån fabriken i Ipoh köper kemikalier och handformar, "
                             "så att vi kan se att inget led ligger i Xinjiang.",
        }),
    Persona(
        "Skyddshandsken i Norden AB", "556703-2254", "Linnea Dahl",
        "linnea.dahl@skyddshandsken.example", "gloves", "gloves", "submitted", "amber",
        agreements=("JHV-2017",), products=("latex",), mapping="tier2_3", mapped_share=75,
        quality="partial", labour_transfer="dont_know", uflpa="dont_know",
        sites=(
            Site(1, "integrated", "Tay Ninh Latex Gloves Joint Stock Company", "Tây Ninh",
                 "VN-37", "Latexhandskar", Audit("smeta", 230, "QIMA", 3, 0, 0, "closed"),
                 900),
            Site(2, "natural_latex", "Dau Tieng Rubber Plantation Co., Ltd.", "Dầu Tiếng",
                 "VN-57", "Naturlatex", None),
            Site(2, "chemicals", "Shandong Huayu Rubber Chemicals Co., Ltd.", "Zibo",
                 "CN-SD", "Vulkningskemikalier", None),
        )),
    Persona(
        "Medigrip Scandinavia AB", "556590-6612", "Viktor Ahlgren",
        "viktor@medigrip.example", "gloves", "gloves", "rejected", "red",
        role="brand_owner", products=("vinyl",), mapping="raw_material", quality="weak",
        xj_tier="yes", xj_inputs=("pvc",), uflpa="yes",
        sites=(
            Site(1, "integrated", "Zibo Hongrun Plastic Products Co., Ltd.", "Zibo", "CN-SD",
                 "Vinylhandskar", Audit("amfori_bsci", 500, "QIMA", 7, 3, 0, "open"), 700),
            Site(2, "chemicals", "Xinjiang Zhongtai Chemical Co., Ltd.", "Ürümqi", "CN-XJ",
                 "PVC-pulver", None),
        ),
        texts={"xj_check": "PVC-pulvret köps från Xinjiang Zhongtai Chemical i Ürümqi. Vi "
                           "vet att bolaget står på UFLPA-listan men har inte hittat någon "
                           "annan leverantör till samma pris."},
        justification="PVC-pulvret till vinylhandskarna kommer från Xinjiang Zhongtai "
                      "Chemical i Ürümqi, som står på USA:s UFLPA Entity List sedan juni "
                      "2023. Leverantören har inte bytt källa efter två påminnelser. "
                      "Underkänt."),
    Persona(
        "Vita Händer AB", "556377-4480", "Hanna Berglund", "hanna@vitahander.example",
        "gloves", "gloves", "in_review", "green", agreements=("HYG-2018",),
        products=("nitrile",), origins=("nepal", "indonesia"), dormitory=True,
        sites=(
            Site(1, "integrated", "Kamunting Premier Gloves Sdn. Bhd.", "Kamunting", "MY-08",
                 "Nitrilhandskar", Audit("amfori_bsci", 150, "ELEVATE", 5, 0, 0, "closed"),
                 2100, 45),
            Site(2, "nbr_latex", "Kerteh Nitrile Latex Sdn. Bhd.", "Kerteh", "MY-11",
                 "NBR-latex", Audit("smeta", 280, "UL Solutions")),
            Site(2, "formers", "Ipoh Porcelain Formers Sdn. Bhd.", "Ipoh", "MY-08",
                 "Handformar", Audit("smeta", 310, "Intertek")),
        )),
    Persona(
        "Sterila Produkter Jönköping AB", "556829-7731", "Elin Fransson",
        "elin@sterilaprodukter.example", "gloves", "gloves", "in_progress", "green",
        language="en", products=("nitrile",),
        sites=(Site(1, "integrated", "Kedah Glove Works Sdn. Bhd.", "Sungai Petani", "MY-02",
                    "Nitrilhandskar", Audit("smeta", 90, "SGS"), 1200, 30),)),
]

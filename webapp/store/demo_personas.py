"""The demo's suppliers, each with one story its answers tell: masks and aprons, gloves
(IT in `demo_personas_it`; agreements and campaigns in `demo_agreements`).

Every company is invented, with a name that fits its country; every city lies in the
ISO 3166-2 region given; every audit firm is a real one. The Swedish suppliers are
fictional ABs with `.example` addresses.
"""

from __future__ import annotations

from .demo_cast import Audit, Deviation, Persona, Site
from .demo_personas_it import IT_PERSONAS

MASKS = [
    Persona(
        "Nordisk Skyddsmateriel AB", "556734-2291", "Karin Lindqvist",
        "hallbarhet@nordiskskydd.example", "ppe-masks-aprons", "masks", "accepted", "green",
        agreements=("HSM-2018",), role="brand_owner", products=("mask_type_iir", "ffp2"),
        sites=(
            Site(1, "assembly", "Dongguan Huakang Medical Supplies Co., Ltd.", "Dongguan",
                 "CN-GD", "Munskydd typ IIR och FFP2", Audit("smeta", 140, "SGS", 3, 0, 0,
                                                          "closed"), 420),
            Site(2, "meltblown", "Suzhou Jinyuan Nonwovens Co., Ltd.", "Suzhou", "CN-JS",
                 "Meltblown-väv", Audit("amfori_bsci", 300, "Intertek", 2, 0, 0, "closed")),
            Site(2, "spunbond", "Foshan Ruitai Nonwoven Fabric Co., Ltd.", "Foshan", "CN-GD",
                 "Spunbond-väv", Audit("amfori_bsci", 250, "TÜV Rheinland")),
            Site(2, "ear_loops", "Yiwu Hengfa Elastic Co., Ltd.", "Yiwu", "CN-ZJ",
                 "Öronband", Audit("smeta", 200, "QIMA", 1, 0, 0, "closed")),
            Site(3, "pp_resin", "Ningbo Haiyue Petrochemical Co., Ltd.", "Ningbo", "CN-ZJ",
                 "Polypropengranulat", Audit("smeta", 330, "Bureau Veritas")),
        ),
        justification="Kedjan är kartlagd ned till polypropengranulatet i Ningbo; alla fem "
                      "anläggningar har SMETA- eller amfori BSCI-revisioner från det senaste "
                      "året (SGS, Intertek, TÜV Rheinland, QIMA, Bureau Veritas) med enbart "
                      "mindre avvikelser, alla stängda. Inga flaggor; rapporterna är bifogade."),
    Persona(
        "Medivara Sverige AB", "556902-1174", "Johan Bergström", "hallbarhet@medivara.example",
        "ppe-masks-aprons", "masks", "submitted", "green", agreements=("HSM-2018",),
        role="brand_owner", products=("apron_plastic", "apron_nonwoven"),
        sites=(
            Site(1, "assembly", "Minh Phat Protective Products Co., Ltd.", "Thủ Dầu Một",
                 "VN-57", "Förkläden i PE och nonwoven",
                 Audit("smeta", 95, "Bureau Veritas", 2, 0, 0, "closed"), 310),
            Site(2, "pe_film", "Thai Polyfilm Industries Co., Ltd.", "Rayong", "TH-21",
                 "PE-film", Audit("amfori_bsci", 210, "ELEVATE")),
            Site(2, "spunbond", "Saigon Nonwoven Joint Stock Company", "Thủ Dầu Một", "VN-57",
                 "Spunbond-väv", Audit("amfori_bsci", 180, "Intertek", 1, 0, 0, "closed")),
            Site(3, "pe_resin", "Eastern Olefins Co., Ltd.", "Map Ta Phut", "TH-21",
                 "PE-granulat", Audit("smeta", 280, "SGS")),
        )),
    Persona(
        "Skärgårdens Vårdhandel AB", "556318-4402", "Sara Holm", "inkop@skargardensvard.example",
        "ppe-masks-aprons", "masks", "clarification_requested", "amber",
        agreements=("HYG-2018",), products=("mask_type_ii", "mask_type_iir"), mapping="tier1",
        mapped_share=60, quality="partial", xj_tier="dont_know", xj_inputs=("dont_know",),
        labour_transfer="dont_know",
        sites=(
            Site(1, "assembly", "Xiamen Kangrui Medical Technology Co., Ltd.", "Xiamen",
                 "CN-FJ", "Munskydd typ II och IIR",
                 Audit("amfori_bsci", 480, "QIMA", 4, 1, 0, "closed")),
        ),
        clarify={
            "xj_tier": "Ni svarar \"vet ej\" om något led ligger i Xinjiang. Ange vilka "
                       "leverantörer av meltblown-väv och polypropen Xiamen Kangrui använder "
                       "och var de ligger.",
            "xj_inputs": "Ange ursprunget för polypropengranulatet i meltblown-väven; "
                         "\"vet ej\" räcker inte för en produkt med kedja i Kina.",
            "tiers": "Lägg till led 2 och 3 (meltblown, spunbond, polypropen) i tabellen, "
                     "med ort, provins och senaste revision.",
        }),
    Persona(
        "Polar Hygien AB", "556577-9013", "Erik Nyström", "erik.nystrom@polarhygien.example",
        "ppe-masks-aprons", "masks", "in_review", "amber", products=("mask_type_iir",),
        mapping="tier1", mapped_share=80, quality="partial", xj_inputs=("dont_know",),
        labour_transfer="dont_know",
        sites=(
            Site(1, "assembly", "Xiantao Yongxin Protective Products Co., Ltd.", "Xiantao",
                 "CN-HB", "Munskydd typ IIR", Audit("smeta", 260, "TÜV Rheinland", 5, 2, 0,
                                                   "in_progress"), 650),
        )),
    Persona(
        "Vårdkedjan Norr AB", "556441-6628", "Leila Karimi", "leila.karimi@vardkedjan.example",
        "ppe-masks-aprons", "masks", "action_plan", "red", products=("apron_cotton",),
        mapping="raw_material", mapped_share=90, quality="partial", xj_tier="yes",
        xj_inputs=("cotton",),
        sites=(
            Site(1, "assembly", "Nantong Meiyi Textile Products Co., Ltd.", "Nantong", "CN-JS",
                 "Bomullsförkläden", Audit("amfori_bsci", 150, "Intertek", 2, 1, 0, "closed"),
                 180),
            Site(2, "cotton_fabric", "Nantong Huasheng Weaving Co., Ltd.", "Nantong", "CN-JS",
                 "Bomullsväv", Audit("smeta", 220, "SGS")),
            Site(3, "cotton_fabric", "Aksu Tianrun Cotton Spinning Co., Ltd.", "Aksu", "CN-XJ",
                 "Bomullsgarn", None),
        ),
        texts={"xj_details": "Garnet till förklädenas bomullsväv spinns av Aksu Tianrun "
                             "Cotton Spinning i Aksu, Xinjiang. Vi fick veta det i år när "
                             "väveriet i Nantong lämnade ut sina garnleverantörer."},
        justification="Garnet till bomullsförklädena spinns i Aksu i Xinjiang (led 3) och "
                      "bomullen kommer därifrån. Det är en röd flagga som ingen revision "
                      "kan väga upp. Åtgärdsplan: byt garnleverantör och visa spårbarhet.",
        plan=(
            Deviation("critical", "Garnleverantören i Aksu (Xinjiang) ska ersättas av en "
                      "leverantör utanför regionen, med spårbarhet till bomullens ursprung.",
                      -10, "open", "Offert begärd från spinneri i Pakistan."),
            Deviation("major", "Ursprungstest (isotopanalys) av bomullen i nästa leverans "
                      "av förkläden.", 45, "in_progress", "Prov skickat till labb."),
            Deviation("minor", "Uppförandekoden ska skrivas in i avtalet med väveriet i "
                      "Nantong.", 20, "closed", "Signerat avtal bifogat."),
        )),
    Persona(
        "Andningsskydd i Mälardalen AB", "556209-3385", "Mikael Åkesson",
        "mikael@andningsskydd.example", "ppe-masks-aprons", "masks", "rejected", "red",
        role="brand_owner", products=("ffp2", "ffp3"), mapping="tier2_3", mapped_share=70,
        quality="weak", labour_transfer="yes", allows_audits=False, dormitory=True,
        hours=66, indicators={"isolation": "yes"},
        sites=(
            Site(1, "assembly", "Ganzhou Lianfeng Medical Protective Co., Ltd.", "Ganzhou",
                 "CN-JX", "Andningsskydd FFP2 och FFP3", None, 900),
            Site(2, "meltblown", "Jiujiang Hengtong Nonwoven Co., Ltd.", "Jiujiang", "CN-JX",
                 "Meltblown-väv", None),
        ),
        texts={"buyer_audits": "Fabriken i Ganzhou tar inte emot externa revisorer under "
                               "produktionssäsongen och vi kan inte kräva det.",
               "xj_check": "Fabriken i Ganzhou uppger att ett sextiotal arbetare kommit "
                           "genom ett arbetsöverföringsprogram från Hotan i Xinjiang. Vi "
                           "har inte kunnat kontrollera deras villkor."},
        justification="Fabriken i Ganzhou har arbetare som kommit genom ett statligt "
                      "arbetsöverföringsprogram från Hotan, och leverantören vägrar låta oss "
                      "eller en revisor vi utser besöka den. Ingen av anläggningarna i "
                      "Jiangxi är reviderad. Underkänt: riskerna kan varken bedömas eller "
                      "åtgärdas."),
    Persona(
        "Förklädesfabriken Skåne AB", "556120-5547", "Noor Haddad",
        "noor.haddad@forkladesfabriken.example", "ppe-masks-aprons", "masks", "in_progress",
        "green", agreements=("YKS-2016",), role="manufacturer", products=("apron_plastic",),
        sites=(
            Site(1, "assembly", "Förklädesfabriken Skåne AB", "Hässleholm", "SE-M",
                 "PE-förkläden", Audit("amfori_bsci", 120, "Bureau Veritas"), 35),
            Site(2, "pe_film", "Folienwerk Niederrhein GmbH", "Krefeld", "DE-NW", "PE-film",
                 Audit("amfori_bsci", 240, "TÜV Rheinland")),
        )),
    Persona(
        "Trygga Händer Distribution AB", "556866-1120", "Anna Sjöberg",
        "anna@tryggahander.example", "ppe-masks-aprons", "masks", "invited", "amber"),
    Persona(
        "Östkustens Sjukvårdsprodukter AB", "556390-7764", "Per Wallin",
        "per.wallin@ostkustens.example", "ppe-masks-aprons", "masks", "closed", "amber",
        products=("mask_type_ii",), mapping="tier1", mapped_share=100, quality="partial",
        xj_tier="dont_know", xj_inputs=("dont_know",),
        sites=(Site(1, "assembly", "Wuhan Jiali Sanitary Materials Co., Ltd.", "Wuhan",
                    "CN-HB", "Munskydd typ II",
                    Audit("amfori_bsci", 400, "SGS", 3, 0, 0, "closed")),),
        closed_reason="Leverantörens avtal löpte ut den 30 september; uppföljningen "
                      "avslutas utan beslut."),
]

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

PERSONAS = MASKS + GLOVES + IT_PERSONAS

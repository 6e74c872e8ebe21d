"""The demo's suppliers, each with one story its answers tell: masks and aprons here,
gloves in `demo_personas_gloves`, IT in `demo_personas_it` (agreements and campaigns
in `demo_agreements`).

Every company is invented, with a name that fits its country (except the two
UFLPA-listed entities, Ninestar and Xinjiang Zhongtai Chemical, named in the
printer and vinyl-glove cases); every city lies in the
ISO 3166-2 region given; every audit firm is a real one. The Swedish suppliers are
fictional ABs with `.example` addresses.
"""

from __future__ import annotations

from .demo_cast import Audit, Deviation, Persona, Site
from .demo_personas_gloves import GLOVES
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
        "ppe-masks-aprons", "masks", "in_review", "green", agreements=("HSM-2018",),
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
        "ppe-masks-aprons", "masks", "submitted", "amber", products=("mask_type_iir",),
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

PERSONAS = MASKS + GLOVES + IT_PERSONAS

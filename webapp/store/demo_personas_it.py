"""The demo's IT suppliers on "Arbetsplatser och elevdatorer 2015" and "AV-produkter och
tjänster 2018", the agreements of the joint letter. Companies are invented, except the
UFLPA-listed Ninestar, which is the point of the printer case.
"""

from __future__ import annotations

from .demo_cast import Audit, Deviation, Model, Persona, Site

IT_PERSONAS = [
    Persona(
        "Datorhuset Norden AB", "556540-2279", "Sofia Engström",
        "hallbarhet@datorhuset.example", "it-hardware", "it", "accepted", "green",
        agreements=("AV-2018", "TRL-2015"), role="manufacturer",
        products=("desktops_laptops", "screens"), mapping="raw_material", mapped_share=95,
        hours=58,
        models=(
            Model("Nordkraft", "Skolbok 14 G3", "laptop",
                  "Batteri: Ningde Xinneng; skärmpanel: Hefei Jingcai; kretskort: Kunshan "
                  "Huatong; aluminiumhölje: Suzhou Mingxin"),
            Model("Nordkraft", "Pro 15 G2", "laptop",
                  "Batteri: Ningde Xinneng; skärmpanel: Hefei Jingcai; kretskort: Kunshan "
                  "Huatong"),
            Model("Nordkraft", "Vy 24", "screen", "Skärmpanel: Hefei Jingcai", 1),
        ),
        sites=(
            Site(1, "assembly", "Kunshan Weida Computer Co., Ltd.", "Kunshan", "CN-JS",
                 "Bärbara datorer", Audit("rba_vap", 160, "ELEVATE", 6, 1, 0, "closed", 186),
                 5200),
            Site(1, "assembly", "Fuzhou Mingguang Display Co., Ltd.", "Fuzhou", "CN-FJ",
                 "Bildskärmar", Audit("rba_vap", 240, "Bureau Veritas", 4, 0, 0, "closed",
                                      180), 1800),
            Site(2, "battery", "Ningde Xinneng Battery Co., Ltd.", "Ningde", "CN-FJ",
                 "Battericeller", Audit("rba_vap", 300, "SGS", 3, 0, 0, "closed", 174)),
            Site(2, "display_panel", "Hefei Jingcai Optoelectronics Co., Ltd.", "Hefei",
                 "CN-AH", "Skärmpaneler", Audit("rba_vap", 210, "UL Solutions", 2, 0, 0,
                                                "closed", 182)),
            Site(2, "pcb", "Kunshan Huatong Circuit Board Co., Ltd.", "Kunshan", "CN-JS",
                 "Kretskort", Audit("rba_vap", 280, "TÜV Rheinland", 5, 1, 0, "closed", 168)),
            Site(2, "casing_aluminium", "Suzhou Mingxin Precision Metal Co., Ltd.", "Suzhou",
                 "CN-JS", "Aluminiumhöljen", Audit("smeta", 190, "Intertek")),
        ),
        texts={"minerals_aluminium": "Norge och Island; höljenas aluminium kommer från "
                                     "ASI-certifierade smältverk, spårat per parti."},
        justification="Alla modeller har känd slutmontering (Kunshan, Fuzhou) och "
                      "strategiska komponenter ned till råvara; aluminiumet i höljena kommer "
                      "från ASI-certifierade smältverk i Norge och på Island. RBA VAP på "
                      "samtliga anläggningar, 168–186 av 200, åtgärdsplaner stängda. Inga "
                      "flaggor."),
    Persona(
        "Elevdata Sverige AB", "556611-8840", "Tobias Lindgren", "tobias@elevdata.example",
        "it-hardware", "it", "clarification_requested", "amber", role="reseller",
        products=("tablets", "accessories"), mapping="tier2_3", mapped_share=40,
        quality="partial", rba="not_member", xj_inputs=("dont_know",),
        labour_transfer="dont_know", student_workers="dont_know",
        models=(Model("Elevplattan", "EP10 Skola", "tablet",
                      "Skärmpanel och batteri: okänt ursprung, efterfrågat"),),
        sites=(
            Site(1, "assembly", "Shenzhen Jiahe Electronics Co., Ltd.", "Shenzhen", "CN-GD",
                 "Surfplattor", Audit("smeta", 420, "QIMA", 8, 2, 0, "in_progress"), 1400),
            Site(2, "pcb", "Dongguan Xinhe Circuit Co., Ltd.", "Dongguan", "CN-GD",
                 "Kretskort", None),
        ),
        clarify={
            "xinjiang_inputs": "Ni svarar \"vet ej\" om insatsvaror från Xinjiang. Ta reda "
                               "på var aluminiumet och polykiselt i EP10 kommer ifrån.",
            "labour_transfer": "Fråga Shenzhen Jiahe om arbetare som kommit genom "
                               "arbetsöverföringsprogram, och redovisa svaret.",
            "student_workers": "Ange om Shenzhen Jiahe anlitar praktikanter från "
                               "yrkesskolor och i så fall på vilka villkor.",
        }),
    Persona(
        "Skrivarpartner AB", "556284-3317", "Marcus Falk", "marcus.falk@skrivarpartner.example",
        "it-hardware", "it", "rejected", "red", role="reseller",
        products=("printers_mfp", "printer_consumables"), mapping="tier2_3", mapped_share=60,
        quality="weak", uflpa="yes", rba="not_member",
        models=(Model("PrintLine", "TK-3200 tonerkassett (kompatibel)", "printer_consumable",
                      "Tonerpulver och chip: Ninestar"),),
        sites=(Site(1, "assembly", "Ninestar Corporation", "Zhuhai", "CN-GD",
                    "Kompatibla tonerkassetter", None),),
        texts={"brands": "PrintLine, vårt eget märke för kompatibla tonerkassetter, och "
                         "skrivare från flera tillverkare.",
               "uflpa_names": "Ninestar Corporation i Zhuhai, som tillverkar våra kompatibla "
                              "tonerkassetter PrintLine TK-3200, fördes upp på UFLPA Entity "
                              "List den 9 juni 2023 tillsammans med åtta dotterbolag."},
        justification="Tonerkassetterna PrintLine TK-3200 tillverkas av Ninestar Corporation "
                      "i Zhuhai, som står på UFLPA Entity List sedan 9 juni 2023. "
                      "Leverantören har ingen plan att byta tillverkare och är inte medlem i "
                      "RBA. Underkänt."),
    Persona(
        "Bildskärmsbolaget AB", "556713-9046", "Jenny Åberg", "jenny@bildskarmsbolaget.example",
        "it-hardware", "it", "in_review", "red", role="reseller", products=("screens",),
        mapping="raw_material", mapped_share=85, quality="partial", xj_tier="yes",
        xj_inputs=("aluminium",), rba="supplier_member",
        models=(Model("Visio", "V27 QHD", "screen",
                      "Fot och ram i aluminium: Shihezi Tianyuan; panel: Fuqing Lianyou"),),
        sites=(
            Site(1, "assembly", "Fuqing Lianyou Display Co., Ltd.", "Fuqing", "CN-FJ",
                 "Bildskärmar", Audit("rba_vap", 200, "Intertek", 5, 2, 0, "in_progress",
                                      158), 2600),
            Site(2, "casing_aluminium", "Shihezi Tianyuan Aluminium Co., Ltd.", "Shihezi",
                 "CN-XJ", "Aluminiumprofiler till skärmfötter", None),
        ),
        texts={"xj_details": "Aluminiumet i skärmfötterna till V27 gjuts av Shihezi Tianyuan "
                             "Aluminium i Shihezi, Xinjiang. Vi undersöker alternativ."}),
    Persona(
        "Mobil Arbetsplats AB", "556398-5521", "Amir Hosseini",
        "amir.hosseini@mobilarbetsplats.example", "it-hardware", "it", "action_plan", "red",
        role="manufacturer", products=("desktops_laptops", "mobile_phones"),
        mapping="tier2_3", mapped_share=80, quality="partial", fees="yes",
        fees_repaid="partly_repaid", passports="yes", hours=62, deviations_found=True,
        rba="supplier_member",
        models=(Model("Arbetsplats", "AP Book 13", "laptop",
                      "Kretskort: Penang Circuit Technologies; batteri: Huizhou Lianneng"),),
        sites=(
            Site(1, "assembly", "Bayan Lepas Electronics Manufacturing Sdn. Bhd.",
                 "Bayan Lepas", "MY-07", "Bärbara datorer",
                 Audit("rba_vap", 120, "UL Solutions", 9, 4, 2, "in_progress", 128), 3400,
                 55),
            Site(2, "pcb", "Penang Circuit Technologies Sdn. Bhd.", "Batu Kawan", "MY-07",
                 "Kretskort", Audit("rba_vap", 330, "SGS", 4, 1, 0, "closed", 164)),
            Site(2, "battery", "Huizhou Lianneng Battery Co., Ltd.", "Huizhou", "CN-GD",
                 "Battericeller", Audit("smeta", 260, "TÜV Rheinland")),
        ),
        justification="RBA-revisionen av monteringen i Bayan Lepas (UL Solutions, 128 av 200) "
                      "fann två prioriterade avvikelser: arbetare från Nepal har betalat "
                      "rekryteringsavgifter och passen förvaras av arbetsgivaren. "
                      "Åtgärdsplan med återbetalning och ny revision.",
        plan=(
            Deviation("critical", "Rekryteringsavgifterna ska betalas tillbaka till de "
                      "nepalesiska arbetarna i Bayan Lepas.", -7, "in_progress",
                      "Återbetalning till 60 % av arbetarna gjord."),
            Deviation("critical", "Passen ska lämnas tillbaka; skåp som arbetarna själva "
                      "låser.", 15, "closed", "Passen återlämnade."),
            Deviation("major", "Arbetstiden ska ned till högst 60 timmar i veckan.", 45,
                      "open"),
        )),
    Persona(
        "Klassrumsteknik AB", "556870-1163", "Lars Nordin", "lars@klassrumsteknik.example",
        "it-hardware", "it", "invited", "amber", language="en"),
    Persona(
        "Konferensteknik Öst AB", "556455-7782", "Ingrid Sandberg",
        "ingrid@konferensteknik.example", "it-hardware", "av", "submitted", "green",
        role="manufacturer", products=("video_conferencing", "av_equipment"),
        mapping="raw_material", mapped_share=100,
        models=(Model("Östra", "Rum 40 konferenskamera", "video_conferencing",
                      "Kretskort: Hsinchu Precision; nätdel: Tainan Power; hölje: Taichung "
                      "Metalworks"),),
        sites=(
            Site(1, "assembly", "Taoyuan Vision Technology Co., Ltd.", "Taoyuan", "TW-TAO",
                 "Konferenskameror", Audit("rba_vap", 110, "UL Solutions", 3, 0, 0, "closed",
                                           188), 650),
            Site(2, "pcb", "Hsinchu Precision Circuits Co., Ltd.", "Hsinchu", "TW-HSZ",
                 "Kretskort", Audit("rba_vap", 250, "Bureau Veritas", 2, 0, 0, "closed",
                                    178)),
            Site(2, "power_supply", "Tainan Power Electronics Co., Ltd.", "Tainan", "TW-TNN",
                 "Nätdelar", Audit("rba_vap", 290, "SGS", 1, 0, 0, "closed", 184)),
            Site(2, "casing_aluminium", "Taichung Metalworks Co., Ltd.", "Taichung", "TW-TXG",
                 "Aluminiumhöljen", Audit("smeta", 200, "Intertek")),
        ),
        texts={"minerals_aluminium": "Australien och Kanada; ASI-certifierade smältverk "
                                     "enligt höljestillverkarens leverantörsintyg."}),
    Persona(
        "Aulateknik Syd AB", "556733-0418", "Emma Kjellberg", "emma@aulateknik.example",
        "it-hardware", "av", "in_progress", "amber", role="reseller",
        products=("av_equipment",), mapping="tier2_3", mapped_share=50, quality="partial",
        labour_transfer="dont_know",
        models=(Model("Aula", "Projektor PX-5", "av_equipment", "Ljuskälla och optik"),),
        sites=(Site(1, "assembly", "Suzhou Guangtai Optics Co., Ltd.", "Suzhou", "CN-JS",
                    "Projektorer", Audit("smeta", 380, "QIMA", 4, 1, 0, "closed"), 900),)),
    Persona(
        "Bildbryggan AV AB", "556197-2265", "Oskar Lundberg", "oskar@bildbryggan.example",
        "it-hardware", "av", "closed", "amber", role="reseller", products=("screens",),
        mapping="tier2_3", mapped_share=60, quality="partial", uflpa="dont_know",
        rba="not_member",
        models=(Model("Bryggan", "Infotavla 55", "screen", "Panel och styrkort"),),
        sites=(Site(1, "assembly", "Qingdao Boyuan Display Co., Ltd.", "Qingdao", "CN-SD",
                    "Informationsskärmar", Audit("amfori_bsci", 300, "TÜV Rheinland", 3, 0, 0,
                                                "closed"), 1100),),
        closed_reason="Bildbryggan AV AB har lämnat ramavtalet AV-produkter och tjänster "
                      "2018; uppföljningen avslutas."),
]

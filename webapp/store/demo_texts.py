"""The free-text answers of a demo persona, written from its own facts.

A strong supplier describes a specific process with its sites, audit firms and
results (rubric level 3); a partial one describes a process with gaps it admits
(level 2); a weak one answers with general statements (level 1). A persona's own
`texts` (its story: the Xinjiang site, the fees, the UFLPA hit) take precedence.
"""

from __future__ import annotations

from .demo_cast import Persona

#: the rubric level a reviewer gives each quality of free text
GRADE = {"strong": 3.0, "partial": 2.0, "weak": 1.0}


def texts_for(p: Persona) -> dict[str, str]:
    """Every free-text answer of the persona, by topic."""
    audited = [s for s in p.sites if s.audit]
    firms = ", ".join(sorted({s.audit.firm for s in audited})) or "—"
    places = ", ".join(f"{s.city} ({s.country})" for s in p.sites) or "—"
    first = p.sites[0] if p.sites else None
    factory = f"{first.company} i {first.city}" if first else "vår tillverkare"
    china = [s for s in p.sites if s.country == "CN"]
    texts = _BY_QUALITY[p.quality](p, firms, places, factory)
    texts |= {
        "products": f"{', '.join(s.products for s in p.sites if s.tier == 1)}, "
                    f"tillverkade av {factory}.",
        "volume": "Cirka 4 miljoner enheter per år till ramavtalets kunder.",
        "brands": (f"Eget varumärke; tillverkas av {factory}."
                   if p.role in ("brand_owner", "manufacturer") else
                   f"Vi säljer produkter från {factory} under tillverkarens varumärke."),
        "xj_details": "Ett led ligger i Xinjiang; se tabellen över leverantörsleden.",
        "uflpa_names": "En leverantör i kedjan står på UFLPA Entity List; se tabellen.",
        "xj_unknown": f"Vi har inte fått uppgifter från {factory} om ursprunget för "
                      "insatsvarorna längre upp i kedjan. Vi har begärt dem och räknar med "
                      "svar inom 60 dagar.",
        "not_china": f"Samtliga led ({places}) är kartlagda med adress och intyg; inget "
                     "av dem ligger i Kina, och råvarans ursprung styrks av "
                     "leveransdokument.",
        "china": (f"{len(china)} av våra leverantörsled ligger i Kina ("
                  f"{', '.join(sorted({s.city for s in china}))}). Vi begär ursprungsintyg "
                  "för varje parti och reviderar varje led minst vartannat år."),
        "agencies": "Arbetarna rekryteras genom licensierade agenter i hemländerna; "
                    "avtalen med agenterna förbjuder avgifter.",
        "fee_remediation": "Avgifterna betalas tillbaka enligt en plan med fabriken.",
        "passports_return": "Passen lämnas tillbaka till arbetarna.",
        "migrants": f"Revisorn intervjuar migrantarbetare hos {factory} utan ledningen "
                    "närvarande och går igenom agenternas kvitton.",
        "buyer_audits": "Vi kan inte lova tillträde för beställarens revisorer.",
        "students": "Praktikanter arbetar högst 40 timmar i veckan och har skolans avtal.",
        "deviations": "Avvikelserna från revisionen följs upp med en tidsatt "
                      "åtgärdsplan; se bifogad plan.",
        "minerals_aluminium": "Kina; smältverken är inte kända.",
        "consumables": f"Tonerkassetter och bläck tillverkas av {factory}.",
    }
    return texts | p.texts


def _strong(p: Persona, firms: str, places: str, factory: str) -> dict[str, str]:
    return {
        "dd": "Vår process följer OECD:s vägledning för tillbörlig aktsamhet: varje år en "
              "riskbedömning per land, produkt och led; uppförandekoden är en del av "
              f"varje avtal; revisioner ({firms}) minst vartannat år; åtgärdsplaner följs "
              "upp tills de är stängda. Ledningen får en rapport varje kvartal.",
        "mapping": f"Vi har kartlagt {len(p.sites)} anläggningar ({places}) med namn, "
                   "adress och produkt, ned till råvaran. Uppgifterna styrks av "
                   "fakturor och leveransdokument och uppdateras vid varje ny order.",
        "xj_check": "Vi har jämfört samtliga led och råvaruleverantörer med UFLPA Entity "
                    "List och med rapporterna från ASPI och Sheffield Hallam, och begärt "
                    "ursprungsintyg för råvaran. Revisorn har granskat personalregister "
                    "efter arbetare från arbetsöverföringsprogram; inga fanns.",
        "uyghur": "Risken är att insatsvaror från Xinjiang eller arbetare från statliga "
                  "överföringsprogram kommer in i kedjan utan att vi ser det. Vi "
                  "hanterar den med spårbarhet per parti, krav på ursprungsintyg och "
                  "revisioner där arbetare intervjuas utan ledningen.",
        "labour": f"Revisionerna ({firms}) omfattar arbetarintervjuer på modersmålet. "
                  "Anställningsavtal finns på arbetarnas språk, arbetsgivaren betalar alla "
                  "rekryteringskostnader och en anonym klagomålskanal finns.",
        "remediation": "Om vi finner tvångsarbete kräver vi gottgörelse till arbetarna "
                       "först och avslutar inte samarbetet innan de fått den.",
        "followup": f"Avvikelser från revisionerna ({firms}) följs upp med tidsatta "
                    "åtgärdsplaner; alla från det senaste året är stängda och styrkta.",
        "no_deviations": "Inga avvikelser under avtalsperioden: revisionerna visade "
                         "endast mindre avvikelser som stängts inom 60 dagar.",
    }


def _partial(p: Persona, firms: str, places: str, factory: str) -> dict[str, str]:
    return {
        "dd": "Vi gör en riskbedömning av våra direkta leverantörer varje år och "
              "begär deras senaste revisionsrapport. Längre upp i kedjan bygger vi "
              "fortfarande upp processen.",
        "mapping": (f"Vi har kartlagt {factory}; uppgifterna om deras egna "
                    "leverantörer är ännu ofullständiga." if p.mapping == "tier1" else
                    f"Vi har kartlagt {len(p.sites)} led ({places}) utifrån leverantörernas "
                    "egna uppgifter; alla led är ännu inte styrkta med leveransdokument."),
        "plan": f"Vi har begärt namn och adress på leverantörerna till {factory} och "
                "räknar med att ha led 2 kartlagt inom sex månader.",
        "xj_check": f"Vi har frågat {factory} och jämfört företagsnamnen med UFLPA "
                    "Entity List. Ursprunget för insatsvarorna har vi inte kunnat styrka.",
        "uyghur": ("Ett av våra led ligger i Xinjiang. Där går det inte att revidera "
                   "trovärdigt, så vi söker en leverantör utanför regionen."
                   if p.xj_tier == "yes" else
                   "Vi ser en risk i de led vi inte har kartlagt. Vi har ännu inte gjort "
                   "någon särskild bedömning av uigurers rättigheter."),
        "labour": f"Revisionen ({firms}) omfattade arbetsvillkor. Vi följer upp "
                  "avvikelserna med tillverkaren.",
        "remediation": "Vi skulle kräva en åtgärdsplan av tillverkaren.",
        "followup": "Vi följer upp revisionens avvikelser med tillverkaren varje kvartal.",
        "no_deviations": "Inga avvikelser har rapporterats till oss.",
    }


def _weak(p: Persona, firms: str, places: str, factory: str) -> dict[str, str]:
    return {
        "dd": "Vi tar frågan på stort allvar och ställer krav på alla våra leverantörer.",
        "mapping": "Våra leverantörer är kända för oss sedan många år.",
        "plan": "Vi kommer att se över detta.",
        "xj_check": "Vi litar på våra leverantörers intyg.",
        "uyghur": "Vi följer lagen och vår uppförandekod.",
        "labour": "Våra leverantörer följer lokal lagstiftning.",
        "remediation": "Vi arbetar aktivt med dessa frågor.",
        "followup": "Vi arbetar aktivt med dessa frågor och utvecklar arbetet löpande.",
        "no_deviations": "Inga kända avvikelser.",
    }


_BY_QUALITY = {"strong": _strong, "partial": _partial, "weak": _weak}

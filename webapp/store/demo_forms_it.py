"""The demo's answers to the it-hardware questionnaire, from a persona's facts.

Tier-1 sites assemble the persona's models; deeper sites are its component sites
(their `step` is the component). Audit scores are RBA VAP scores out of 200
(version 2 of the form).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .demo_cast import Persona, Site
from .demo_forms import (
    Files,
    audited,
    contact,
    day,
    freedom,
    migrants,
    policy,
    site_conditions,
    yes,
)
from .demo_texts import texts_for

MAPPING = {"not_mapped": "not_mapped", "tier1": "tier1", "tier2_3": "tiers_2_3",
           "raw_material": "raw_materials"}
AGREEMENTS = {"AEL-2015": "arbetsplatser_elevdatorer_2015",
              "AV-2018": "av_produkter_tjanster_2018"}


def it_hardware(p: Persona, today: date, files: Files) -> dict[str, Any]:
    """it-hardware (version 2)."""
    t = texts_for(p)
    assembly = [s for s in p.sites if s.tier == 1]
    components = [s for s in p.sites if s.tier > 1]
    stages = sorted({"final_assembly" if s.tier == 1 else "components"
                     for s in p.sites if s.country == "CN"})
    campaign = {"it": "AEL-2015", "av": "AV-2018"}[p.campaign]
    agreements = [v for k, v in AGREEMENTS.items() if k == campaign or k in p.agreements]
    weak = p.quality == "weak"
    audits = audited(p)
    findings = any(s.audit.critical or s.audit.major for s in audits)
    return contact(p) | policy(p, today, files, "dd_process_file", "policy_revised") | {
        "agreements": agreements, "role": p.role, "brands_delivered": t["brands"],
        "product_categories": list(p.products),
        "tco_certified": {"strong": "all", "partial": "some", "weak": "none"}[p.quality],
        "dd_process_summary": t["dd"], "rba_membership": p.rba,
        "rba_code_adopted": yes(not weak),
        "models": [_model(m, assembly[m.site], today, files) for m in p.models],
        "component_sites": [
            {"component": s.step, "used_in": ", ".join(m.name for m in p.models),
             "company": s.company, "city": s.city, "country": s.country,
             "region": s.region, "audit_standard": s.audit.standard if s.audit else "none",
             "audit_date": day(today, s.audit.days_ago) if s.audit else None}
            for s in components],
        "mapping_depth": MAPPING[p.mapping], "mapped_share": p.mapped_share,
        "china_stage": yes(bool(stages)), "china_stages": stages,
        "china_no_basis": t["not_china"], "china_components_followup": t["china"],
        "china_risk_management": t["china"],
        "xinjiang_tier": p.xj_tier, "xinjiang_tier_details": t["xj_details"],
        "xinjiang_inputs": list(p.xj_inputs), "labour_transfer": p.labour_transfer,
        "uflpa_entity": p.uflpa, "uflpa_details": t["uflpa_names"],
        "consumables_entity_list": p.uflpa, "consumables_makers": t["consumables"],
        "xinjiang_check_method": t["xj_check"], "uyghur_rights_risks": t["uyghur"],
        "mineral_dd": yes(not weak), "rmi_member": yes(p.quality == "strong"),
        "minerals": [
            {"mineral": "aluminium", "origin_countries": t["minerals_aluminium"],
             "smelters_known": "all" if p.quality == "strong" else "few",
             "dd_standard": "asi"},
            {"mineral": "3tg", "origin_countries": "Enligt RMI:s smältverkslista",
             "smelters_known": "most", "dd_standard": "rmap"},
            {"mineral": "cobalt", "origin_countries": "DR Kongo, via RMAP-godkända "
             "raffinaderier", "smelters_known": "most", "dd_standard": "rmap"}],
        "smelter_list": files("smelter_list", "smaltverkslista.pdf"),
        "recruitment_fees": p.fees, "passports_held": p.passports, **freedom(p),
        "dormitory_provided": yes(p.dormitory), "max_weekly_hours": p.hours,
        "migrant_share": migrants(p),
        "site_conditions": site_conditions(p, "workers", "migrant_share"),
        "student_workers": p.student_workers, "student_safeguards": t["students"],
        "labour_monitoring": t["labour"],
        "vap_recent": yes(any(s.audit.standard == "rba_vap" for s in audits)),
        "audits": [_audit(s, today, files) for s in audits],
        "audit_followup": t["followup"] if findings else None,
        "allows_audits": yes(p.allows_audits), "allows_ew_audits": yes(p.allows_audits),
        "deviations_found": yes(p.deviations_found), "deviations_handling": t["deviations"],
        "deviations_no_basis": t["no_deviations"], "confirm_accuracy": "yes",
        "signatory": p.contact,
    }


def _model(m, s: Site, today: date, files: Files) -> dict[str, Any]:
    vap = bool(s.audit and s.audit.standard == "rba_vap")
    return {"brand": m.brand, "model_name": m.name, "category": m.category,
            "assembly_company": s.company, "assembly_city": s.city, "country": s.country,
            "region": s.region, "strategic_components": m.components,
            "score_type": "vap" if vap else "none",
            "audit_date": day(today, s.audit.days_ago) if vap else None,
            "vap_score": s.audit.score if vap else None,
            "evidence": files("models", "rba-vap.pdf") if vap else None}


def _audit(s: Site, today: date, files: Files) -> dict[str, Any]:
    a = s.audit
    return {"site": f"{s.company}, {s.city}", "site_country": s.country,
            "site_region": s.region, "standard": a.standard,
            "audit_date": day(today, a.days_ago), "audit_firm": a.firm,
            "vap_score": a.score if a.standard == "rba_vap" else None,
            "priority_findings": a.critical, "major_findings": a.major,
            "cap_status": "not_needed" if a.status == "no_findings" else a.status,
            "report": files("audits", "revision.pdf")}

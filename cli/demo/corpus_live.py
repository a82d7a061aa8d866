"""What arrives while the demo runs (original, fictional): Acme Mobile goes down again this hour.

The demo collects the history first (which never alerts), then lets these posts appear and collects
again: the negative spike is current, and the alert rule on Acme opens an incident.
"""

from __future__ import annotations

from cli.demo.model import Item, Row, make_items

# hours_ago is counted from the moment they appear (the second collection)
_EN: list[Row] = [
    ("forum", "rdriscoll", 0.80, "acme", "negative", "outage", "Acme down AGAIN?",
     "SOS only in Riverton again. Two days after the last one. Is Acme down again or is it just me? So frustrating."),
    ("forum", "kelpie_77", 0.78, "acme", "negative", "outage", "Re: Acme down AGAIN?",
     "Not just you. Lakeside has nothing either. Same as Thursday. Ridiculous, Acme. Terrible."),
    ("forum", "bram_v", 0.75, "acme", "negative", "outage", "Re: Acme down AGAIN?",
     "Calls fail, data dead, Wi-Fi calling the only thing left. Déjà vu. Awful."),
    ("forum", "quietmarmot", 0.72, "acme", "negative", "outage", "Acme outage round two - shop card machine dead",
     "Card terminal on the Acme SIM is down again. Cash only, again. I am done with this network."),
    ("reviews", "Hannah J.", 0.70, "acme", "negative", "outage", "1/5 - Second outage in a week",
     "Rating: 1 out of 5. The credit for the last outage has not even arrived and Acme is down again. Terrible."),
    ("forum", "newtothis22", 0.68, "acme", "negative", "outage", "Acme network dead again, refund this time?",
     "Second time this week without service. They had better refund the whole month."),
    ("forum", "cellwatcher", 0.65, "acme", "negative", "outage", "Re: Acme down AGAIN?",
     "Masts are up but nothing registers, exactly like the core network failure on Thursday. So the "
     "software fix did not fix it."),
    ("news", "Marcus Bell", 0.62, "acme", "negative", "outage", "Acme Mobile hit by a second outage in three days",
     "<p>Acme Mobile customers in Riverton, Lakeside and Elmstead report losing service again this "
     "morning, two days after an outage the company blamed on a faulty software update.</p>"),
    ("forum", "mags_from_elmstead", 0.60, "acme", "negative", "outage", "Re: Acme Mobile second outage",
     "On hold for forty minutes, then cut off. Same as last time. Acme support is useless."),
    ("forum", "nightshift_nurse", 0.58, "acme", "negative", "outage", "Re: Acme down AGAIN?",
     "Night shift again and no way to reach home again. Acme, this is not acceptable."),
    ("reviews", "Owen K.", 0.55, "acme", "negative", "outage", "1/5 - Unreliable",
     "Rating: 1 out of 5. Two Acme outages in one week. I pay for a phone that does not work. Switching."),
    ("forum", "sol_invictus", 0.52, "acme", "negative", "outage", "Re: Acme Mobile second outage",
     "Missed another call. Whatever they fixed on Thursday, it broke again. Terrible service."),
    ("forum", "harbourlights", 0.50, "acme", "negative", "outage", "Acme down again - emergency calls?",
     "Dad is on Acme only. Are emergency calls working during this outage? Last time nobody could say."),
    ("forum", "pike_and_shovel", 0.48, "acme", "negative", "outage", "Re: Acme down again - emergency calls?",
     "They should roam onto another network. But two outages in a week is a disgrace, Acme."),
    ("forum", "dk_porter", 0.45, "acme", "negative", "outage", "Re: Acme network dead again, refund this time?",
     "A $10 credit will not cut it this time. Awful company."),
    ("forum", "tallgrass_tom", 0.42, "acme", "negative", "outage", "Leaving Acme after today",
     "Porting my number out the minute the network is back. Two outages, no apology. Bad, bad service."),
    ("forum", "lanternfish", 0.40, "acme", "negative", "outage", "Re: Acme down AGAIN?",
     "Still down in North Hollis. No calls, no data, no update from Acme. Pathetic."),
    ("news", "Lena Castillo", 0.36, "acme", "negative", "outage", "Regulator asks Acme Mobile to explain repeat outage",
     "<p>The telecoms regulator said it had asked Acme Mobile for an urgent explanation after a second "
     "network outage in three days left customers without calls or data, and angry complaints piled up.</p>"),
    ("forum", "greta_g", 0.33, "acme", "negative", "outage", "Re: Acme Mobile second outage",
     "My whole family is on Acme. Nobody can call anybody. Horrible morning."),
    ("forum", "mirela.k", 0.30, "acme", "negative", "outage", "Re: Acme network dead again, refund this time?",
     "Was defending them on Thursday. Not any more. This outage is on them. Awful."),
    ("forum", "chip_n_pin", 0.25, "acme", "negative", "outage", "Acme status page is wrong again",
     "Status page green, phone shows SOS. Who runs that page? Acme, stop misleading us. Terrible."),
    ("forum", "kelpie_77", 0.20, "acme", "negative", "outage", "Re: Acme down AGAIN?",
     "Ninety minutes now. Second outage this week. Worst phone company I have had."),
]
_WORLD: list[tuple[str, Row]] = [
    ("es", ("world", "Lucía Fernández", 0.70, "acme", "negative", "outage", "Acme otra vez sin servicio",
            "Segunda caída de Acme en la misma semana. Sin llamadas ni datos. Un desastre.")),
    ("es", ("world", "Diego Ramos", 0.40, "acme", "negative", "outage", "¿Otra avería de Acme?",
            "Llevo una hora sin cobertura con Acme. Otra vez. Pésimo servicio.")),
    ("ru", ("world", "Анна Смирнова", 0.66, "acme", "negative", "outage", "Акме опять не работает",
            "Второй сбой Акме за неделю. Нет ни связи, ни интернета. Ужасно.")),
    ("ar", ("world", "سارة الحسيني", 0.57, "acme", "negative", "outage", "انقطاع أكمي مرة أخرى",
            "انقطعت شبكة أكمي مرة ثانية هذا الأسبوع. لا مكالمات ولا إنترنت. خدمة سيئة جدا.")),
    ("he", ("world", "נועה לוי", 0.47, "acme", "negative", "outage", "אקמי שוב לא עובד",
            "תקלה שנייה של אקמי השבוע. אין שיחות ואין אינטרנט. נורא.")),
    ("fa", ("world", "مریم احمدی", 0.38, "acme", "negative", "outage", "قطعی دوباره اکمی",
            "دومین قطعی اکمی در این هفته. نه تماس داریم نه اینترنت. افتضاح است.")),
]


def live_items() -> list[Item]:
    """The posts of the second outage, English first, keyed ``lang-liveNNN``."""
    items = make_items("en", _EN, prefix="live")
    for lang in sorted({lang for lang, _ in _WORLD}):
        items += make_items(lang, [row for code, row in _WORLD if code == lang], prefix="live")
    return items


ITEMS = live_items()

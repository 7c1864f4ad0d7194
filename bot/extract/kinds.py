"""Decide what a dated sentence announces: a deadline, an event or a court date, and
whether it still lies ahead for the reader (forward-looking) or reports the past.

Cues are weighed by how close they stand to the date: in "On 5 January 2026 NGOs issued a
statement ahead of the final hearing scheduled for 5 to 9 January 2026" the first date sits
next to "issued" and the second next to "hearing scheduled for".
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .branching import for_folded
from .folding import fold, lowered
from .spans import OFFSET
from .times import _TIME, hours_after

_I = re.IGNORECASE
# The guard fails fast at positions that start no word, which is most of them.
_WORD_START = r"(?<![^\W\d_])(?=[^\W\d_])"

# (pattern, kind, subtype, weight). The subtype may be None: another cue names it.
_KIND_CUES: list[tuple[str, str, str | None, float]] = [
    # deadlines
    (r"deadlines?|closing date|date limite|data[- ]limite|fecha l[ií]mite|plazo|prazo|termine (?:ultimo|per|di presentazione)|hakuaika|määräaika|son başvuru|آخر موعد|sista (?:ansökningsdag|dag)|ansøgningsfrist|uzávěrka|termen limită|краен срок|\w*frist|scadenza|(?:bewerbungs|einsende|anmelde|annahme)schluss|uiterlijk|termin(?:u)? (?:składania|zgłoszeń)|(?:крайний )?срок\w*|термін\w*", "deadline", None, 3.0),
    (r"no later than|not later than|at the latest|au plus tard|a m[aá]s tardar|spätestens|entro e non oltre|o mais tardar", "deadline", None, 3.0),
    (r"nominations?|nominate|nominees?|candidatures?|candidaturas?|postulaci[oó]n(?:es)?|postulantes?|номинаци\w*|номинир\w*|номіну\w*|выдвижени\w*|aday\w*|الترشح|الترشيح|nominer\w*|nominier\w*|nominac\w*|candidaturi|indicaç(?:ão|ões)|indicad[ao]s", "deadline", "nomination", 2.0),
    (r"applications?|apply|applicants?|cover letter|\bCV\b|başvuru\w*|التقديم|طلبات|заявк\w*|ansök\w*|nadsyłani\w*|ansøg\w*|přihlášk\w*|curriculum|résumé|resume\b|recruit\w*|recrut\w*|vacanc\w+|job (?:offer|opening)|offre d['’]emploi|stellenangebot|vacature|hiring|postuler|candidater|postular|bewerbung|bewerben|candidatar", "deadline", "job", 1.6),
    (r"submissions?|submit|inputs?|contributions?|questionnaires?|contribuciones|aportes|comentarios|contributions écrites|stellungnahmen", "deadline", "call-for-input", 1.6),
    (r"aanmeld\w*|zgłosze\w*|rejestracj\w*|регистрац\w*|реєстрац\w*|registration|registrations|register (?:for|by|before|now|here|online|your|at)|RSVP|sign[ -]?up|confirm (?:your )?(?:participation|attendance)|inscri\w+|anmeld\w+|iscri\w+", "deadline", "registration", 1.8),
    (r"sign[- ]on|signator\w+|sign (?:the|our|this) (?:letter|statement|petition|appeal)|endorse\w*|signatures?|firmas?|adhesiones|unterzeichn\w+", "deadline", "sign-on", 1.8),
    (r"grants?|funding|funds?\b|fondos?|fonds|subvenci\w+|subventions?|financement|financiamiento|förderung|sovvenzion\w+|solicitudes de (?:apoyo|financiamiento)", "deadline", "grant", 1.2),
    (r"fellowships?|scholarships?|internships?|residenc(?:y|ies)|bourses?|becas?|stipendi\w+|pasant[ií]as?|stages?\b|(?:temporary )?relocation|relocalisation|reubicación|shelter (?:city|programme|program)|programme de protection", "deadline", "fellowship", 1.3),
    # events
    (r"side[- ]events?|événement parallèle|evento paralelo|evento paralelo|nebenveranstaltung", "event", "side-event", 2.6),
    (r"round[- ]?tables?|table ronde|mesa redonda|tavola rotonda|runder tisch", "event", "roundtable", 2.6),
    (r"webinars?|webinaires?|seminario web|web-talk|online-(?:veranstaltung|gespräch|seminar)|вебинар\w*|(?:ال)?ندو(?:ة|ات)|online (?:event|discussion|briefing|meeting|session)|(?:séance|réunion|sesión|reunión|sessão) (?:d'|d’|de |en línea|informativa)\w*|session d['’]information", "event", "webinar", 2.4),
    (r"information sessions?|info sessions?|briefing sessions?|Q&A|questions and answers|open house", "event", "meeting", 2.4),
    (r"(?:public |solidarity |film |fundraising )?(?:evenings?|receptions?|screenings?|concerts?|rall(?:y|ies)|vigils?|demonstrations?|marches)|rassemblements?|manifestations?|concentraci[oó]n|manifestaci[oó]n|kundgebung|presidio|gatherings?|митинг\w*|пикет\w*|marcha|vigília|protest (?:outside|in front)|hand (?:in|over) (?:a|the|our) petition|hand a petition"
     r"|(?:will|we are|we'll|are) (?:hold|holding|host|hosting|organi[sz]e|organi[sz]ing|run|running)|will be (?:holding|hosting|organi[sz]ing|running)"
     r"|festivals?|join us|welcome to join|venue", "event", "other", 1.6),
    (r"press conferences?|press briefings?|conférence de presse|rueda de prensa|conferencia de prensa|\w*pressekonferenz|conferenza stampa|coletiva de imprensa", "event", "press-conference", 2.8),
    (r"(?:regular |special |\d+(?:st|nd|rd|th) )?sessions? of the (?:UN |United Nations )?Human Rights Council|HRC ?\d\d|(?:\d+(?:st|nd|rd|th|e|ème|ª|a)|regular|special|annual|plenary) sessions?|sesi[oó]n(?:es)? (?:ordinaria|del consejo)|session du conseil|sessione|per[ií]odo de ses(?:iones|sões)|sess(?:ões|ão)|sesi[oó]n(?:es)?|sessione|sessioni|sitzung\w*|сесси\w+|Совет\w* ООН по правам человека|Consejo de Derechos Humanos|Conselho de Direitos Humanos|Consiglio (?:ONU )?(?:per i|dei) diritti umani|Menschenrechtsrat\w*|Conseil des droits de l['’]homme|مجلس حقوق الإنسان|الدورة", "event", "session", 2.4),
    (r"sessions?\b", "event", "session", 1.2),  # "the session lasts until …": plain, weaker than a named one
    (r"forums?|foro|fórum|форум\w*|منتدى", "event", "forum", 2.2),
    (r"conferences?|congress|conférence|conferencia|konferenz|conferenza|summit|sommet|cumbre|konferans\w*|konferencj\w*|konferens\w*|konferenc\w*|conferentie|conferinț\w*|tagung|congreso|congresso|convegn[oi]|конференци\w+|مؤتمر|jornadas?|coloquio|colloque|colóquio|kolloquium|simposio|simpósio|symposium", "event", "conference", 2.0),
    (r"ceremon\w+|award(?:s)? (?:ceremony|event)|cérémonie|ceremonia|\w*verleihung|premiazione|cerimônia|tören\w*|حفل|uitreiking|gala|cerimoni\w+|premiaç\w+|premiad[ao]s|premiati|verliehen|wręczeni\w+|церемони\w+|вручени\w+|will be (?:awarded|presented|handed over)|awards? (?:will be|is|are) (?:made|given|conferred|presented)|hand(?:s|ed)? over the (?:award|prize)|zostaną ogłoszone"
     r"|remise (?:du|des) prix|(?:sera|seront) remise?s?|remettra|será entregue|ser[áa] entregad[oa]"
     r"|(?:verrà|sarà|verranno|saranno) (?:conferit|consegnat|assegnat)\w*|consegna (?:del|dei) premi\w*", "event", "ceremony", 2.2),
    (r"workshops?|trainings?|atelier|formation|taller|capacitaci[oó]n|schulung|seminars?|séminaire|seminario|seminário|семинар\w*|ورشة|çalıştay\w*|seminari\w*|seminář\w*|szkoleni\w*", "event", "workshop", 1.8),
    (r"meet(?:s|ing|ings)?\b|consultations?|dialogues?|di[aá]logos?|dialog(?:e|en)?\b|briefings?|réunion|reunión|rencontre|encuentro|conversatorios?|charlas?|rodas? de conversa|treffen|incontro|toplantı\w*|etkinli\w*|panel\w*|si riunir\w+|riunion\w*|se reunir\w+|se réunir\w*|tagt|tagen|encontros?|reuni(?:ão|ões)|lanzamiento|lancement|lançamento|presentaci[oó]n del informe|présentation du rapport|present(?:s|ing)? (?:\w+ ){0,2}(?:annual |thematic |final )?report|اجتماع|فعالية|встреч\w*|обсуждени\w*|обговорен\w*|круглый стол|презентаци\w*|презентаці\w*|debat[aęy]|spotkani\w*|bijeenkomst|möte|setkání|symposi\w*|visit|vigil|screening|launch|exhibition|panel|events?\b|événements?|eventos?|veranstaltung|debate(?! oral)|débat|\w*veranstaltung|\w*gespräch|\w*diskussion|gesprächsrunde", "event", "meeting", 1.2),
    (r"(?:public|parliamentary|congressional|senate|committee|subcommittee|joint) hearings?|hearings? (?:of|at|in|before|organi[sz]ed by) the (?:European Parliament|Parliament|Congress|Senate|(?:Sub)?[Cc]ommittee|Assembly)", "event", "meeting", 3.2),
    (r"universal periodic review|UPR|interactive dialogues?|Examen Peri[óo]dico Universal|Revisi[óo]n Peri[óo]dica Universal|examen périodique universel|Revisão Periódica Universal", "event", "session", 2.2),
    # court dates
    (r"(?:court|tribunal) of appeals?|appeals? (?:hearing|court|trial)|appeals?|appellate|cassation|cour d'appel|apelaci[oó]n|recurso|berufung|revisione|appello|recurso|hoger beroep|apelac\w*|апелляц\w*|апеляц\w*", "hearing", "appeal", 2.4),
    (r"verdicts?|judg(?:e)?ments?|sentencing|ruling|karar\w*|[وبل]?الحكم|rozsudek|décision|délibéré|sentencia|fallo|urteil|sentenza|veredicto|uitspraak|wyrok\w*|приговор\w*|вирок\w*", "hearing", "verdict", 2.0),
    (r"trials?|procès|debate oral|juicio|proceso judicial|prozess|processo|julgamento|(?:tribunal do )?júri|rechtszaak|proces\b|судебный процесс|процес\w*|працэс\w*", "hearing", "trial", 2.4),
    # "audience" is a hearing in French ("l'audience", "la prochaine audience"), a public in English ("a wider audience")
    (r"hearings?|(?:l['’]|d['’]|(?:une|cette|la|les|prochaine|nouvelle|première|deuxième|seconde|dernière|en)\s+)audiences?|audiences? (?=(?:du|de|des|d['’]|publique|pénale|correctionnelle)\b)|audiencias?|audiência|\w*anhörung|\w*verhandlung|udienza|zitting|rozpraw\w*|заседани\w*|слушани\w*|засідан\w*"
     r"|chambre (?:d'accusation|criminelle|correctionnelle)|juge d'instruction|mise en liberté|bail (?:hearing|application|decision|ruling)|decision on (?:his |her |their )?bail", "hearing", "hearing", 2.0),
    (r"court|tribunal|judge|juge|magistrates?|appear(?:s|ing)? before|(?:to be|will be|be|being) heard|will hear|adjourn\w*|postponed|prosecut\w+|defendants?|accused|juzgado|gericht|tribunale|mahkeme\w*|duruşma\w*|dava\w*|ertele\w*|hakim\w*|суд\w*|сот\b|сотт\w+|отложи\w*|suspendi\w*|suspender|aplaz\w*|pospu\w*|ajourn\w*|renvoy\w*|rinvi\w*|adiad\w*|vertagt|прения сторон|перапынак|жылдырыл\w*|[وبلف]?(?:ال)?(?:محكم\w*|قضاء|قاضي|جلس\w*)|[وف]?(?:ارجأ|أرجأ|أرجأت|ارجأت|أجل|أجلت)|(?:[وبل]?ال)?تأجيل|sąd\w*|plenári\w+|pauta|prozesstag\w*|rättegång\w*|domstol\w*|soud\w*|líčení|rechtbank|instanț\w*|съд\w*", "hearing", None, 1.8),
]
_DEADLINE_NOUN_CUE = 0  # the first cue: "deadline", "closing date", "date limite", …
_KIND = [(re.compile(rf"\b(?:{p})", _I), kind, sub, w) for p, kind, sub, w in _KIND_CUES]
# All cues in one pattern, so a sentence is scanned once; the group name says which cue hit.
# Digits may start a cue ("71st session"), so this guard is any word start.
_ANY_KIND = re.compile(r"(?<!\w)(?=\w)(?:" + "|".join(rf"(?P<c{i}>{p})" for i, (p, *_rest) in enumerate(_KIND_CUES)) + ")", _I)

# Cues that the dated thing is still to come, and that it is already past.
_FORWARD = re.compile(
    # "will" followed by a verb; German "will" (wants) is followed by its object or ends the clause
    _WORD_START + r"(?:will(?=\s+(?!(?:und|oder|aber|das|der|die|den|dem|des|ein|eine|einen|er|sie|es|ich|wir|ihr|man|nicht|noch|auch|nun|jetzt|mit|zu)\b)[a-z])|shall|(?:is|are) (?:due|expected|scheduled|set|going|invited|encouraged|welcome|open)|to be (?:held|presented|launched|heard|examined|discussed|adopted|considered|announced)"
    r"|(?<!was )(?<!were )(?<!had been )(?:scheduled|planned)|upcoming|forthcoming|deadline|(?<!was )(?<!were )expected"
    r"|adjourned (?:to|until)|postponed (?:to|until)|deferred (?:to|until)|moved to|extended (?:to|until)|set for|next"
    r"|takes place|apply|submit|register|confirm|join|attend|participate|take part|sign up|RSVP|nominate|please|invites?|invited to|must|should|open until|remains? open|is open|are open|opens"
    # the present for what is to come: "the trial resumes on Thursday", "the court reconvenes on 3 May"
    r"|resumes|reconvenes|reopens|begins|starts|continues on"
    # a new date, as a court or an organiser sets it: "the new hearing date is", "Neuer Verhandlungstag ist der"
    r"|new (?:date|hearing date)|nouvelle date|nueva fecha|nova data|nuova data|neue[rn]? (?:termin|verhandlungstag|prozesstag)|previs[ãa]o|previst[ao]"
    # a day as the subject or the complement of the present: "Thursday sees the start of …", "the webinar is on Friday"
    r"|(?:sees|marks) the (?:start|opening|beginning|launch|first day)|(?:is|are) on(?= (?:the )?(?:\w+day\b|\d))"
    r"|(?:are|is|we're) (?:holding|hosting|organi[sz]ing|running|launching|co-hosting)"
    r"|date limite|fecha l[ií]mite|plazo|prazo|\w*frist|scadenza|\w*schluss|closing date"
    r"|se tiendra|aura lieu|reprendra|prévue?s?|renvoy[ée]e? au|report[ée]e? au|doit|doivent|pourront|peuvent"
    r"|se celebrar[áa]|tendr[áa] lugar|ser[áa]|prevista|programad[ao]|aplazad[ao] (?:al|para)|pospuest[ao] (?:al|para)|podr[áa]n"
    r"|\w{2,}r[áà]n?|\w{2,}remos|sera|seront|aura|auront|se tiendra|se déroulera|reprendra|examinera|statuera|rendra|\w{3,}eront"
    r"|\w{3,}[di]ront"  # the future of "reprendre", "venir", "finir": "les audiences reprendront le"
    # a French future ("examinera le", "se réunira à"), told from Spanish and Portuguese words that
    # end the same way ("primera instancia", "primeira vez") by what follows it
    r"|\w{3,}(?:era|ira)(?=\s+(?:le|la|les|l['’]|du|des|un|une|en|à|au|aux|sa|son|ses|leur|leurs|ce|cette|ces|lieu|ainsi|également|ensuite|dès|sur|pour|par|avec|devant|\d)\b)"
    r"|wird|werden|findet|stattfinden|vorgesehen|si terr[àa]|avr[àa] luogo|sar[àa]|será|ocorrerá|acontecerá|deverão|poderão"
    r"|zal|zullen|vindt plaats|odbędzie się|odbędą się|będzie|wyznaczon\w* na|zaplanowan\w*|состоится|пройдет|пройдёт|будет|відбудеться|буде|продолжится|возобновится|працягнецца|адбудзецца|продовжиться|поновиться"
    # "opens on" as announcements put it: "abre em 13 de setembro", "s'ouvre le", "si apre il"
    r"|abre|abrirá|ouvre|ouvrira|s'ouvre|s’ouvre|si apre|aprirà|eröffnet|beginnt|começa|começará|comienza|comenzará|inicia|iniciará"
    # "on 17 November next", "le 17 novembre prochain", "el próximo 7 de febrero"
    r"|prochaine?s?|próxim[oa]s?|prossim[oa]|nächste[nmr]?|kommende[nmr]?|следующ\w+|наступн\w+|gelecek|coming"
    # Turkish future ("görülecek", "başlayacak") and "postponed to" ("tarihine erteledi"); Russian
    # plural "will take place", "tomorrow"; Arabic future prefix ("سيصدر", "ستعقد") and "next"
    r"|\w+(?:ecek|acak)(?:tır|tir|lar|ler)?|tarihine|ertele\w*|состоятся|завтра|назначен\w*"
    # Italian future plural ("verranno premiati"), Russian "is planned", "will begin", "opens"
    r"|\w{2,}ranno|планиру\w+|запланирован\w*|начн[её]тся|откро[её]тся|открывается|пройд[её]т"
    # an invitation is to what is to come: "vous invite", "invita", "convida", "laden wir … ein", "приглашает"
    r"|invite|invitons|invitent|invita|invitan|invitamos|convida|convidam|convidamos|laden (?:wir|Sie)|lädt|zaprasza\w*|приглаша\w+|يدعو|تدعو|ندعو"
    # Russian "will hold", "will consider", "will announce" ("проведет специальное заседание")
    r"|провед[её]т|проведут|рассмотрит|рассмотрят|огласит|вынесет|обсудит|обсудят|представит|представят"
    # a new date set for something: "als neuen Termin", "la nouvelle date", "nueva fecha"
    r"|new date|neue[nr]? (?:\w*termin|datum)|nouvelle date|nueva fecha|nova data|nuova data|новая дата|новую дату"
    r"|س[يتن]\w{2,}|المقبل\w*|القادم\w*)\b",
    _I,
)
_RETRO = re.compile(
    # "will be awarded", "to be published": a participle after "be" is not a past tense
    _WORD_START + r"(?<!\bbe )(?:took place|was held|were held|ran from|ran between|brought together|gathered|was scheduled|were scheduled|had been scheduled"
    r"|arrested|detained|released|sentenced|convicted|acquitted|killed|murdered|died|disappeared|abducted|raided|stormed|banned|designated|dismissed|deported|expelled|jailed|imprisoned|tortured"
    r"|published|issued|said|says|stated|reported|wrote|sent|expressed|announced|adopted|occurred|happened|began|ended|concluded|marked|celebrated|welcomed|condemned|denounced|decried|launched|featured"
    r"|called on|urged|decided|ruled|visited|attended|participated|spoke|delivered|met|joined|signed|submitted|received|won|awarded|honoured|honored|went|came|filed|lodged|updated|passed|elected|appointed|lasted|rejected|refused|postponed|adjourned|resumed"
    r"|appeared|pleaded|testified|denied"
    # "hosted by", "organised by": a participle naming who runs it, not a past tense
    r"|(?:organi[sz]ed|hosted|held|convened|co-sponsored|sponsored|co-organi[sz]ed)(?!\s+(?:by|jointly)\b)"
    r"|since|ago|last (?:year|month|week)(?!['’]s)|anniversary|initially|originally|previously|earlier|formerly|was|were|had|did"
    # past tenses by their endings (es "presentaron", pt "adiou", "foram", it "rinviarono") and "last" before a date
    r"|\w{3,}(?:aron|ieron|arono|erono|irono)|\w{3,}(?:aram|eram|iram)|pasad[oa]|passad[oa]|dernière?|scors[oa]|прошл\w+|geçen"
    r"|has passed|have passed|expired|has closed|closed on|is closed|are closed|hatte|hatten|endete|endeten|lief ab|terminó|terminou|s'est terminée?|закончил\w*|завершил\w*"
    r"|a eu lieu|s'est tenue?|s’est tenue?|ont eu lieu|a été|ont été|arrêtée?|tuvo lugar|se celebr[óo]|fue|fueron|detenid[ao]s?|fand statt|wurde|wurden|ha avuto luogo|fu|foi|foram|ocorreu"
    r"|vond plaats|werd|werden gearresteerd|odbyła się|odbył się|został|została|zatrzyman\w*|состоялось|состоялся|прошло|прошел|был|была|были|задержан\w*|арестован\w*|відбулося|було|затриман\w*"
    r"|начал(?:ся|ось|ась|ись)|пачаў(?:ся)?|пачал(?:ося|ася|іся)|розпочал?(?:ся|ося|ася|ися)|адбыўся|адбылося)\b",
    _I,
)
# Words just before a date that make it the date something must be done by.
_UNTIL_AFTER = re.compile(
    r"(?:['’][^\W\d_]{1,3})?\s*(?:tarihine\s+|tarihi(?:ne)?\s+)?kadar\b"
    # "on 3 March at the latest", "le 3 mars au plus tard": the marker after the date
    r"|(?:\s*r\.)?,?\s*(?:at the latest|au plus tard|a m[aá]s tardar|al più tardi|spätestens|uiterlijk|najpóźniej|senast|senest|не позднее)\b",
    _I,
)
# Arabic "the door of nominations closes on": vowel marks may stand between the letters ("يُقفَل")
_ARABIC_MARKS = "[\u064B-\u0652]*"
_ARABIC_CLOSES = "|".join(_ARABIC_MARKS.join(word) for word in ("يقفل", "يغلق", "تقفل", "تغلق", "إغلاق", "اغلاق"))
_DEADLINE_MARKER = re.compile(
    _WORD_START + r"(?:until|till|by|before|through|no later than|not later than|at the latest on|deadline(?: is| of| for| on)?:?|closes?(?: on| at)?|closing(?: date)?(?: is)?:?|due(?: by| on)?|ends? on"
    r"|endet am|läuft am|se termine le|expire le|vence el|finaliza el|termina (?:el|em|no dia)|encerra(?:m|-se)? (?:em|no dia)|scade il|заканчивается|истекает|закінчується"
    r"|si chiud(?:e|ono)(?: il)?|chiusura(?: il)?|se cierran?(?: el)?|cierran? el|fecha(?:m)? (?:em|no dia)|schließt am|ferme le|fermeront le|close (?:le|el)"
    r"|jusqu'au|jusqu’au|avant le|au plus tard le|date limite(?: est| :)?|hasta(?: el| este| el próximo)?|antes del?|a más tardar,? el|fecha l[ií]mite(?: es| :)?|plazo(?: vence)?(?: el)?"
    r"|bis zum|bis|spätestens(?: am)?|vóór|entro e non oltre(?: il)?|(?:e )?non oltre(?: il)?|entro il|entro|scadenza(?: il)?|até|até o dia|prazo(?: final)?(?: é)?"
    r"|uiterlijk(?: op)?|tot en met|tot|do dnia|do|до|не позднее|не пізніше|حتى|لغاية|قبل"
    r"|senast(?: den)?|senest(?: den)?|sista dag(?: är)?|nejpozději(?: do)?|upływa(?: w dniu)?|najpóźniej(?: do)?"
    r"|[وف]?(?:" + _ARABIC_CLOSES + r")\s+باب\s+\S+(?:\s+\S+)?\s+(?:في|يوم))"
    # "by close of business on", "by 5 pm GMT on", "no later than midnight on"
    r"(?:\s*(?:close of business|cob|(?:the )?end of (?:the )?(?:day|business)|midnight|noon"
    r"|\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?|h|hrs)?(?:\s*[a-z]{2,5})?)\s*,?\s*(?:on|of)\b)?"
    r"\s*:?\s*(?:the\s*|le\s*|el\s*|o\s*|يوم\s*)?(?:\w+day,?\s*)?$",
    _I,
)
_SUPERSEDED = re.compile(
    _WORD_START + r"(?:postponed|adjourned|cancell?ed|called off|suspended|aplazó|suspendió|canceló|pospuso|a reporté|a ajourné|a annulé|verschob|rinviato|adiou"
    r"|adiar|aplazar|suspender|postpone|adjourn|reporter|ajourner|verschieben|rinviare)"
    r"\s+(?:the\s+|la\s+|el\s+|l'|le\s+|die\s+|a\s+|o\s+)?\w+(?:\s+\w+){0,6},?\s+(?:scheduled|set|planned|due|prevista|programada|fixée|prévue|vorgesehen|prevista"
    r"|marcad[ao]|agendad[ao]|previst[ao]|programad[ao]|fixad[ao])"
    r"\s*(?:for|on|para|pour|au|am|per)?(?:\s+el|\s+le|\s+the|\s+o dia)?\s*$|"
    + _WORD_START + r"(?:initially|originally|previously|first|formerly|earlier)\s+(?:scheduled|set|planned|foreseen|expected|due)?\s*(?:for|on|to)?\s*$"
    r"|\b(?:had been|was|were)\s+(?:initially\s+|originally\s+)?(?:scheduled|set|planned|fixed|due)\s+(?:for|on|to)\s*(?:the\s*)?$"
    r"|\b(?:extended|moved|postponed|brought forward|changed|prolongée?|reportée?|ampliad[ao]|prorrogad[ao])\s+(?:from|du|de|del)\s*(?:the\s*)?$"
    r"|\b(?:initialement|inicialmente|ursprünglich|inizialmente)\s+\w+\s+(?:pour|para|le|el|au|al|für|per)?\s*$"
    r"|\bembargo(?:ed)?\s+(?:until|till|to)\s*$",  # a press release's embargo: when it may be published
    _I,
)
# Words just after a date that say it no longer holds: "the hearing set for 5 March was postponed".
_CALLED_OFF = re.compile(
    r"(?![^.;]{0,40}?,\s+(?:while|whereas|but|although|mientras|pero|alors que|tandis que|mais|während|aber|mentre|enquanto|mas)\b)"  # another clause's
    r"(?:[^.;]{0,40}?\b(?:was|were|has been|have been|had been|is being|would be|will be|is to be|has to be)\s+(?:postponed|adjourned|cancell?ed|deferred|moved|suspended|called off|rescheduled)"
    r"|[^.;]{0,40}?\b(?:a été|ont été|fue|fueron|ha sido|han sido|wurde|ist|è stat[ao]|sono stat[ie]|foi|foram)\s+(?:report[ée]e?s?|renvoy[ée]e?s?|annul[ée]e?s?|aplazad[ao]s?|suspendid[ao]s?|cancelad[ao]s?|verschoben|rinviat[ao]|adiad[ao]))",
    _I,
)
# Words right before a date that tie it to the past, whatever the rest of the sentence says.
_PAST_ANCHOR = re.compile(
    _WORD_START + r"(?:since|as of|ran from|ran between|took place on|was held on|were held on|arrested on|detained on|released on|killed on|died on|published on|issued on|dated)\s*(?:the\s*)?$",
    _I,
)
# "moved to 11 March, and now (again, for the third time) to 9 April": the first day is gone,
# the second is the one that stands
_NOW_MOVED = r"[,;]?\s*(?:and|but|et|y|e|und|и)\s+(?:now|maintenant|ahora|agora|jetzt|nun|ora|теперь)\b[^.;:\d]{0,40}?\b(?:to|for|until|au|à|al|para|a|auf|на|до)\s+(?:the\s+|le\s+|el\s+|o\s+|den\s+)?"
_MOVED_AGAIN_AFTER = re.compile(_NOW_MOVED + r"\d", _I)
_MOVED_AGAIN_BEFORE = re.compile(_NOW_MOVED + r"$", _I)
_IMMEDIATE_FORWARD = re.compile(
    _WORD_START + r"(?:(?:set|fixed|scheduled|adjourned|postponed|moved|deferred)(?: (?!on\b|for\b|to\b)\w+){1,4} (?:for|to|until|on)|scheduled (?:for|on)|set for|adjourned (?:to|until)|postponed (?:to|until)|deferred (?:to|until)|moved to|extended (?:to|until)"
    r"|will (?:\w+ ){0,4}on|will (?:\w+ ){0,2}(?:from|between)|expected (?:on|for)|takes place on|opens on|starts on|begins on"
    r"|aura lieu le|se tiendra le|renvoy[ée]e? au|report[ée]e? au|se celebrar[áa] el|tendr[áa] lugar el|aplazad[ao] (?:al|para el)|findet am"
    # a court or organiser moving a date: "postponed for", "delayed until", "adiada para o dia", "vertagt auf den"
    r"|(?:postponed|adjourned|deferred|delayed|put off|pushed back|rescheduled|moved) (?:for|to|until|till)"
    r"|would (?!have\b)(?:\w+ ){0,4}(?:on\s*)?"
    r"|(?:adiad|remarcad|marcad|agendad|suspens|designad)[ao]s? (?:para|até)(?: o dia| a data de)?"
    r"|(?:fix|renvoy|report|ajourn|programm)[ée]e?s? (?:au|pour le)|(?:rinviat|aggiornat|fissat)[ao] (?:al|a)"
    r"|(?:vertagt|verschoben|angesetzt|anberaumt) (?:auf|für) (?:den|dem)?|(?:отложен\w*|перенесен\w*|перенес\w*|назначен\w*) (?:на|до)"
    r"|odroczon\w* (?:do|na)|uitgesteld (?:tot|naar)|لجلسة|(?:إلى|الى) جلسة)\s*(?:the\s*|يوم\s*)?$",
    _I,
)


KIND_REACH = 160  # a kind cue farther than this from its date does not decide the date's kind
COURT_MIN = 1.5  # the weighed court cues that make a date after "until" a court date (one close court word)


# Cues are found in pieces of the text: a piece starts `_BEHIND` characters early for the
# patterns' look-behinds, and a hit may run `_SPILL` characters into the next piece (no cue
# is longer: "sessions of the United Nations Human Rights Council" is 52).
_CHUNK, _BEHIND, _SPILL = 1 << 16, 16, 256
_CUE_AFTER = 24  # characters after a kind cue that its look-aheads read (the longest reads 16)


def _weight(distance: int) -> float:
    return 1.0 / (1.0 + distance / 30.0)


class Cues:
    """The cue words of a document, found in one pass over the spans that hold dates, so
    that many dates in one sentence do not mean many scans of it. Hits are kept as columns
    of machine integers: a long text of dates has hundreds of thousands of them."""

    def __init__(self, text: str):
        self.text = text
        self.starts: dict[str, array] = {family: array(OFFSET) for family in _FAMILIES}
        self.ends: dict[str, array] = {family: array(OFFSET) for family in _FAMILIES}
        self.cues: dict[str, array] = {family: array("h") for family in _FAMILIES}
        self.named: dict[tuple, int] = {}  # see `_cue`

    def scan(self, families: tuple[str, ...], spans: Iterable[tuple[int, int]]) -> "Cues":
        """Find the cues of `families` in the (sorted, disjoint) `spans` of the text."""
        for family in families:
            self.starts[family], self.ends[family], self.cues[family] = array(OFFSET), array(OFFSET), array("h")
        for lo, hi in spans:
            self._scan_span(families, lo, hi)
        return self

    def extend(self, families: tuple[str, ...], spans: list[tuple[int, int]]) -> None:
        """Add the cues of `families` in `spans`, sorted parts of the text that no scan has
        covered: a "Date:" block that reaches beyond the text scanned near its date."""
        for family in families:
            extra = Cues(self.text)
            for lo, hi in spans:
                last = bisect.bisect_left(self.starts[family], lo) - 1  # a hit running into the part: go on after it
                extra._scan_span((family,), max(lo, self.ends[family][last]) if last >= 0 else lo, hi)
            if not extra.starts[family]:
                continue
            hits = sorted([*zip(self.starts[family], self.ends[family], self.cues[family]),
                           *zip(extra.starts[family], extra.ends[family], extra.cues[family])])
            self.starts[family], self.ends[family], self.cues[family] = (
                array(OFFSET, (h[0] for h in hits)), array(OFFSET, (h[1] for h in hits)), array("h", (h[2] for h in hits)))

    def _scan_span(self, families: tuple[str, ...], lo: int, hi: int) -> None:
        """Scan text[lo:hi] a piece at a time, each piece folded to lower case once for all
        families: a copy of the whole text would cost up to four bytes per character."""
        resume = dict.fromkeys(families, lo)  # where each family's next search begins
        for start in range(lo, hi, _CHUNK):
            stop = min(hi, start + _CHUNK)
            base = max(0, start - _BEHIND)
            piece = fold(self.text[base:min(hi, stop + _SPILL)])
            for family in families:
                resume[family] = self._hits(family, piece, base, max(resume[family], start), stop)

    def _hits(self, family: str, piece: str, base: int, start: int, stop: int) -> int:
        """Record the hits of `family` that start in [start, stop) of the text, `piece` being
        the folded text from `base`; return where the family's next search begins."""
        starts, ends, cues = self.starts[family], self.ends[family], self.cues[family]
        resume = stop
        for m in _FOLDED[family].finditer(piece, start - base):
            if m.start() + base >= stop:
                break
            starts.append(m.start() + base)
            ends.append(m.end() + base)
            cues.append(self._cue(piece, m.start(), m.end()) if family == "kind" else 0)
            resume = max(stop, m.end() + base)  # a hit that runs into the next piece
        return resume

    def _cue(self, piece: str, start: int, end: int) -> int:
        """Which kind cue the hit piece[start:end] is: `_NAMED_KIND` matched again there. That
        depends only on the hit's words and the characters around it (a word boundary before;
        after it, look-aheads such as "(?! oral)" and "(?=correctionnelle)", `_CUE_AFTER` at
        most), so a cue met again is not matched again: a text dense with cues has many."""
        key = (piece[max(0, start - 1):end + _CUE_AFTER], start == 0, end - start)
        cue = self.named.get(key)
        if cue is None:
            if len(self.named) >= 4096:
                self.named.clear()
            cue = self.named[key] = int(_NAMED_KIND.match(piece, start).lastgroup[1:])
        return cue

    def any_near(self, begin: int, end: int) -> bool:
        """True when a kind cue stands within `KIND_REACH` of text[begin:end], or a marker
        word ("until", "by", "scheduled") in the 90 characters before it."""
        return self._count("kind", begin - KIND_REACH, end + KIND_REACH) > 0 or self._count("marker", begin - 90, begin) > 0

    def _count(self, family: str, lo: int, hi: int) -> int:
        starts = self.starts[family]
        return bisect.bisect_left(starts, hi) - bisect.bisect_left(starts, lo)

    def within(self, family: str, lo: int, hi: int) -> Iterator[tuple[int, int, int]]:
        """Hits of `family` that start in [lo, hi), as (start, end, cue) in absolute offsets."""
        starts = self.starts[family]
        first, last = bisect.bisect_left(starts, lo), bisect.bisect_left(starts, hi)
        return zip(starts[first:last], self.ends[family][first:last], self.cues[family][first:last])


@dataclass(slots=True)  # made once per date in a document: no frozen-init cost
class Dated:
    """A date inside its sentence: text[start:stop] holds text[begin:end]."""

    text: str
    start: int
    stop: int
    begin: int
    end: int
    labelled: bool = False  # a "Date: …" line of an announcement; start:stop is its block

    @property
    def sentence(self) -> str:
        return self.text[self.start:self.stop]

    def distance(self, lo: int, hi: int) -> int:
        if hi <= self.begin:
            return self.begin - hi
        return lo - self.end if lo >= self.end else 0


def _scores(dated: Dated, cues: Cues):
    # A dated sentence in a text full of dates holds dozens of cues, and every one of its
    # dates weighs them all: the distance and weight are computed inline (same arithmetic
    # as `Dated.distance` and `_weight`).
    scores: dict[str, float] = {}
    subtype_scores: dict[tuple[str, str], float] = {}
    nearest: dict[str, int] = {}
    begin, end = dated.begin, dated.end
    for lo, hi, cue in cues.within("kind", dated.start, dated.stop):
        kind, subtype, weight = _CUE_READING[cue]
        distance = begin - hi if hi <= begin else (lo - end if lo >= end else 0)
        score = weight * (1.0 / (1.0 + distance / 30.0))
        scores[kind] = scores.get(kind, 0.0) + score
        nearest[kind] = min(nearest.get(kind, 999), distance)
        if subtype:
            subtype_scores[(kind, subtype)] = subtype_scores.get((kind, subtype), 0.0) + score
    return scores, subtype_scores, nearest


_CUE_READING = [(kind, subtype, weight) for _, kind, subtype, weight in _KIND_CUES]


_MARKER_HINT = re.compile(
    _WORD_START + r"(?:until|till|by|before|through|later|latest|deadline|clos|due|ends?\b|jusqu|avant|tard|limite|hasta|antes|fecha|plazo"
    r"|bis|spätestens|entro|scadenza|até|prazo|uiterlijk|tot|do|до|не|senast|senest|sista|nejpozději|upływa|najpóźniej|endet|läuft|termine|expire|vence|finaliza|termina|encerra|scade|заканчива|истека|закінчу|chiud|chiusura|cierra|fecha|schließt|ferme|close|fix|renvoy|ajourn|programm|adiad|remarc|marcad|agendad|vertagt|verschoben"
    r"|rinvi|aggiorn|fissat|отлож|перенес|назнач|odrocz|uitgest|would|delayed|put off|pushed|rescheduled|embargo|vóór"
    r"|aceit|recebid|abert|angenommen|entgegengenommen|accettat|apert|przyjmowane|принима|проходит|открыт|جلسة|لجلسة|initially|originally|previously|scheduled|set for|adjourned|postponed"
    r"|deferred|moved|extended|will|expected|takes|opens|starts|begins|aura|tiendra|renvoy|report|celebrar|tendr|aplazad|findet"
    r"|set|fixed|first|formerly|earlier|cancel|called|suspend|aplaz|suspendi|cancel|pospu|ajourn|annul|verschob|rinvi|adiou"
    r"|initial|inicial|ursprünglich|iniziale|open|accepted|received|submitted|possible|run|ouvert|abiert|recibir|aceptar|حتى|لغاية|قبل|باب)",
    _I,
)


_FAMILIES = {"kind": _ANY_KIND, "forward": _FORWARD, "retro": _RETRO, "marker": _MARKER_HINT}


# What `Cues` scans. The forward cues stay as they are: their verb endings ("\\w{2,}rán") read
# every word whatever its first letter, and branching them gains nothing.
_FOLDED = {family: for_folded(pattern) if family != "forward" else lowered(pattern) for family, pattern in _FAMILIES.items()}
_NAMED_KIND = lowered(_ANY_KIND)  # which kind cue a hit is: matched again where the hit starts


def _before(sentence: str, begin: int, floor: int = 0) -> str | None:
    """The words before a date, without a clock time between them and the date:
    "by 24.00 (Dutch time) on 1 March" reads as "by 1 March". None when they hold no
    marker word at all (most dates), which spares the marker patterns."""
    before = sentence[max(floor, begin - 90):begin]
    if not _MARKER_HINT.search(before):
        return None  # no marker word before the date: none of the marker patterns can match
    for clock in _TIME.finditer(before):
        if re.fullmatch(r"[\s,]*(?:on|le|el|am|del|of|the|,)?[\s,]*", before[clock.end():]):
            return re.sub(r"\b(?:at|à|a las|um|alle|às)\s*$", "", before[:clock.start()].rstrip()) + " "
    return before


_FROM = re.compile(r"\b(?:from|от|од|du|del|desde|von|vom|dal|dai|od|с|z)\s*$", _I)
_RANGE_TO = re.compile(r"\d\s*(?:-|–|—|to|until|до|au|al|a|bis|do)\s*\d", _I)  # "1 to 30 October": a range of days
_ANYONE_CAN = re.compile(
    r"[\s,]*(?:\w+\s+){0,3}(?:can|may|могут|может|може|можe|peut|peuvent|puede|pueden|pode|podem|kann|können|può|possono|mogą|może)\s"
    r"(?:\w+\s+){0,2}(?:nominat|nomin|номинир|номиніру|apply|submit|send|postul|candidat|bewerb|einreich|inscri|regist|envoy|envi|presentar|propos)", _I)
_OPEN_WINDOW = re.compile(
    _WORD_START + r"(?:open|accepted|received|submitted|possible|run|runs|ouvert[es]*|abiert[ao]s?|recibir[áa]n|aceptar[áa]n"
    r"|aceit[ao]s|recebid[ao]s|abert[ao]s|angenommen|entgegengenommen|accettat[ei]|apert[ei]|przyjmowane|принима\w+|проходит|открыт\w*)"
    r"\s+(?:\w+\s+){0,2}(?:from|between|du|del|de|entre|von|vom|dal|dai|od|с|w terminie:?)\s*(?:the\s*)?$",
    _I,
)


def is_open_window(dated: Dated) -> bool:
    """"Applications are open from 1 December to 31 January", "From 1 to 30 October anyone
    can nominate": the range's end is a deadline."""
    if _OPEN_WINDOW.search(dated.text, max(dated.start, dated.begin - 60), dated.begin):
        return True
    return bool(_FROM.search(dated.text, max(dated.start, dated.begin - 12), dated.begin)
                and _RANGE_TO.search(dated.text, dated.begin, dated.end)
                and _ANYONE_CAN.match(dated.text, dated.end, min(dated.stop, dated.end + 60)))


def deadline_marker_before(text: str) -> int:
    """Where the words that make the end of `text` a deadline marker begin ("… submitted by
    close of business on"), or -1."""
    found = _DEADLINE_MARKER.search(text, max(0, len(text) - 60))
    return found.start() if found else -1


def deadline_evidence(dated: Dated, cues: "Cues") -> str | None:
    """Why the date is what something must be done by: "noun" (a deadline noun close before
    or just after it: "deadline … is"), "window" ("open from … to"), "marker" ("until", "no
    later than"), or None."""
    lo, hi = max(dated.start, dated.begin - 110), min(dated.stop, dated.end + 40)
    lo = max(lo, dated.text.rfind(";", lo, dated.begin) + 1)  # "the deadline is 15 April; the workshop is on 3 May"
    if any(cue == _DEADLINE_NOUN_CUE for _, _, cue in cues.within("kind", lo, hi)):
        return "noun"
    if is_open_window(dated):
        return "window"
    before = _before(dated.text, dated.begin, dated.start)
    if before is not None and _DEADLINE_MARKER.search(before[-60:]):
        return "marker"
    if _UNTIL_AFTER.match(dated.text, dated.end, min(dated.stop, dated.end + 30)):
        return "marker"  # Turkish says "until" after the date: "15 Mart 2027 tarihine kadar"
    return None


def _something_else_until(verb: str | None, evidence: str | None, scores: dict, subtype_scores: dict, nearest: dict) -> bool:
    """A court's or a meeting's words beat a bare "until": "the judge adjourned the trial until
    5 March" is a hearing (court vocabulary never yields a deadline), and "the session lasts
    until 12 July" is when a session ends. What people apply for, submit or sign
    ("applications until 5 March", "register by 9 March for the trial-monitoring training")
    keeps its deadline, above all when that word stands closest to the date."""
    if evidence != "marker":
        return False
    if nearest.get("deadline", 999) < min(nearest.get("hearing", 999), nearest.get("event", 999)):
        return False
    asked = max((v for (k, _), v in subtype_scores.items() if k == "deadline"), default=0.0)
    other = max(scores.get("hearing", 0.0), scores.get("event", 0.0))
    if other > asked and (verb is not None or ("hearing", "verdict") in subtype_scores):
        # "the trial … was suspended until 7 February", "the session lasts until 2 April", "the
        # verdict is due on 3 March" (what a court delivers is the court's date)
        return True
    return other >= COURT_MIN and other > asked


# "the deadline has been extended to 16 May", "prorogata a martedì 16 maggio", "продлен до 5 марта"
_EXTENDED = re.compile(
    r"\b(?:extended|prorogat[aoie]|prorrogad[ao]s?|prolongée?s?|repoussée?s?|verlängert|продлен\w*|продовжен\w*|estendid[ao]s?"
    r"|ampliad[ao]s?|uzatıldı|przedłużon\w*|verlengd)\b[^.\n]{0,40}$", _I)
_WEEK_OF = re.compile(r"\b(?:(?:the )?week of|semaine du|semana del?|woche vom|settimana (?:dal|del)|неделя с)\s*$", _I)
_WEEK_AFTER = re.compile(r"['’]?\s*(?:haftas\w*|week\b)", _I)  # "7-11 Ekim haftası", "the 7-11 October week"
_PUBLISHED_ON = re.compile(
    r"\b(?:will be|to be|shall be|is to be|are to be|is expected to be|are expected to be|sera|seront|será|serán|wird|werden|sarà|saranno|будет|будут)"
    r"\s+(?:published|released|made public|made available|posted|publié(?:e|s|es)?|rendu(?:e|s|es)? public(?:s|ques)?|publicad[oa]s?"
    r"|veröffentlicht|pubblicat[oaie]|опубликован\w*)\s+(?:\w+\s+){0,3}?(?:on|le|el|am|il|the|from|по)?\s*$",
    _I,
)


# "By" a day is when something must be done, never when a court sits ("adjourned until" is).
_BY = re.compile(_WORD_START + r"(?:by|before|no later than|not later than|avant le|antes del?|vor dem|prima del)\s*(?:the\s*)?$", _I)


# A party to a case made to act by a day: "the judge ordered the prosecution to file its evidence by …".
# What a grant call asks of the work it funds, not of the applicant: "each project must be completed by …"
_PROJECT = re.compile(r"\b(?:projects?|activities|Projekt\w*|Maßnahmen|projets?|proyectos?|projetos?|progett[oi]|проект\w*)\b", _I)
# What lasts until a day without anyone acting by it: a contract, a detention, a ban, a mandate.
_TERM = re.compile(r"\b(?:contract|employment|assignment|detention|custody|remand|house arrest|travel ban|ban|curfew|state of emergency"
                   r"|mandate|contrat|détention|garde à vue|contrato|detención|prisión preventiva|prisão preventiva|Vertrag"
                   r"|Untersuchungshaft|Haft|contratto|detenzione|custodia cautelare|арест\w*|содержани\w* под стражей|срок\w* стражи"
                   r"|tutukluluk\w*|الحبس|احتجاز\w*)\b", _I)
_DONE = re.compile(r"\b(?:completed|finished|implemented|carried out|spent|abgeschlossen|beendet|durchgeführt|umgesetzt|verausgabt"
                   r"|réalisée?s?|achevée?s?|terminée?s?|ejecutad[oa]s?|finalizad[oa]s?|conclu[ií]d[oa]s?|executad[oa]s?|conclus[oi]|realizzat[oi]"
                   r"|завершен\w*|реализован\w*)\b", _I)
_PARTY_MUST = re.compile(
    r"\b(?:prosecution|prosecutors?|defen[cs]e|the court|the judge|the state|the government|the authorities|the ministry)"
    r"\s+(?:\w+\s+){0,2}?(?:to|must|has to|have to|should|shall|needs? to|is required to|are required to)\s+(?:[\w’'-]+\s+){1,6}?"
    r"(?:by|before|no later than)\s*(?:the\s*|next\s*)?$",
    _I,
)


def _parties_step(scores: dict, subtype_scores: dict) -> bool:
    """"The prosecution has to serve its papers by 9 September": a court's words and a bare
    "by", with nothing anyone could apply for, submit or sign. A step only the parties take
    is no deadline for our readers, and no court date either."""
    asked = any(k == "deadline" for k, _ in subtype_scores)
    delivered = ("hearing", "verdict") in subtype_scores  # "the verdict is due on 3 March": the court's, not a party's
    return not asked and not delivered and scores.get("hearing", 0.0) > 0


# A verb of putting off right before "until": what follows is when the thing resumes.
_PUT_OFF_UNTIL = re.compile(
    _WORD_START + r"(?:postponed|adjourned|deferred|delayed|suspended|put off|aplaz\w*|suspend\w*|pospu\w*|posterg\w*"
    r"|ajourn\w*|report[ée]e?s?|renvoy[ée]e?s?|vertagt|verschoben|rinviat\w*|aggiornat\w*|sospes\w*|adiad\w*|suspens\w*"
    r"|отложен\w*|перенесен\w*|відкладен\w*|odroczon\w*|przełożon\w*|uitgesteld|verdaagd|ertelen\w*)\s+(?:\w+\s+){0,2}"
    r"(?:until|till|to|hasta|jusqu['’]au|bis(?: zum)?|fino al|até|до|do|tot|na)"
    r"\s*(?:el\s+|le\s+|the\s+|o dia\s+)?(?:próximo\s+|prochain\s+)?$",
    _I,
)


# A verb of lasting right before "until": what follows is when the thing ends.
_LASTS_UNTIL = re.compile(
    _WORD_START +
    r"(?:lasts?|runs?|continues?|will (?:last|run|continue)|продлится|продолжится|продлятся|dure(?:ra)?|durará|dura"
    r"|continuará|dauert|durerà|prosseguirá|vai|irá|prolongará|seguir|segue|seguirá|sigue|continua|continúa"
    r"|يستمر|تستمر|يتواصل|تتواصل|تمتد|يمتد)\s+(?:\w+\s+){0,1}"
    r"(?:until|till|through|to|до|jusqu['’]au|hasta(?: el)?|bis(?: zum)?|fino al|até(?: o dia)?|حتى|إلى|الى|لغاية)\s*(?:the\s+|يوم\s+)?$",
    _I,
)


def _until_verb(dated: Dated) -> str | None:
    """"put off" or "lasts" for the verb right before an "until", else None."""
    window = (dated.text, max(dated.start, dated.begin - 60), dated.begin)
    if _PUT_OFF_UNTIL.search(*window):
        return "put off"
    return "lasts" if _LASTS_UNTIL.search(*window) else None


def classify_kind(dated: Dated, cues: Cues, title: str | None) -> tuple[str | None, str, int, bool]:
    """(kind, subtype, distance of the deciding cue, role) for a dated sentence. The role is
    "closing" when the date is when an event ends, not when it starts ("the session lasts
    until 12 July"), "extension" when it is a deadline's new date ("extended to 16 May")."""
    if _PUBLISHED_ON.search(dated.text, max(dated.start, dated.begin - 60), dated.begin):
        return None, "other", 999, None  # "the findings will be published on 6 March": a document, not a day to act or attend
    if _WEEK_OF.search(dated.text, max(dated.start, dated.begin - 30), dated.begin) or _WEEK_AFTER.match(dated.text, dated.end):
        return None, "other", 999, None  # "the week of 7-11 October": a schedule's heading, its items are below
    if _PROJECT.search(dated.text, max(dated.start, dated.begin - 90), dated.begin) and _DONE.search(
            dated.text, max(dated.start, dated.begin - 60), min(dated.stop, dated.end + 40)):
        return None, "other", 999, None  # "projects must be completed by 31 December": the funded work's term
    scores, subtype_scores, nearest = _scores(dated, cues)
    evidence = deadline_evidence(dated, cues)
    verb = _until_verb(dated) if evidence == "marker" else None
    until_other = bool(evidence) and _something_else_until(verb, evidence, scores, subtype_scores, nearest)
    if evidence == "marker" and (_PARTY_MUST.search(dated.text, max(dated.start, dated.begin - 90), dated.begin) or (
            _parties_step(scores, subtype_scores)
            and (not until_other or _BY.search(dated.text, max(dated.start, dated.begin - 30), dated.begin)))):
        return None, "other", 999, None
    if evidence in ("marker", "window") and not any(k == "deadline" for k, _ in subtype_scores) and _TERM.search(
            dated.text, max(dated.start, dated.begin - 90), dated.begin):
        # "The contract runs from 1 February to 31 January", "the detention was extended until 3
        # March": how long something lasts, with nothing to apply for, submit or sign
        return None, "other", 999, None
    if evidence and not until_other:
        scores["deadline"] = scores.get("deadline", 0.0) + 100.0
        nearest["deadline"] = 0
    else:
        scores.pop("deadline", None)  # "applications" alone makes a topic, not a deadline
    if dated.labelled and title:
        # A schedule line's own words describe its topic ("trial monitoring"); what the
        # items are ("Webinar series: …") is said in the title.
        title_kinds, title_subtypes = _title_scores(title)
        for key, value in title_kinds.items():
            scores[key] = scores.get(key, 0.0) + 2 * value
            nearest[key] = 0
        for key, value in title_subtypes.items():
            subtype_scores[key] = subtype_scores.get(key, 0.0) + 2 * value
    if not scores and not until_other and hours_after(dated.text, dated.end, dated.stop):
        # No word says what it is, but a day with the hours it starts and ends is an event
        # ("WEDNESDAY 4 SEPTEMBER, 18h00 – 19h30 in the auditorium"): its kind is in the title.
        return "event", _subtype("event", _title_scores(title or "")[1], title), 0, None
    if not scores:
        return None, "other", 999, None
    kind = max(scores, key=lambda k: scores[k])
    # a "Date:" line's block is one notice: what it is may be named anywhere in it
    distance = min(nearest[kind], KIND_REACH) if dated.labelled else nearest[kind]
    if until_other and kind == "event" and verb != "put off":
        role = "closing"
    elif kind == "deadline" and _EXTENDED.search(dated.text, max(dated.start, dated.begin - 70), dated.begin):
        role = "extension"
    else:
        role = None
    subtype = _subtype(kind, subtype_scores, title)
    if kind == "event" and subtype == "session" and _court_session(dated):
        kind, subtype = "hearing", "hearing"  # "la próxima sesión se reprogramó para …" in a trial report
    return kind, subtype, distance, role


# The words of a trial report, and those of a parliament's or the UN's sessions
_COURT_WORD = re.compile(
    r"\b(?:audiencias?|juicio|jueza?|fiscal\w*|acusad[oa]s?|defensa|abogad[oa]s?|proceso judicial|tribunal\w*|court|trial|judge|prosecut\w+|defendants?"
    r"|procès|juge|audience|prévenus?|audiência|julgamento|réu|ré|juiz\w*|gericht\w*|prozess\w*|richter\w*|angeklagt\w*"
    r"|суд\w*|подсудим\w*|прокурор\w*|udienza|processo|imputat\w*|mahkeme\w*|duruşma\w*|sanık\w*)\b", _I)
_ASSEMBLY = re.compile(
    r"Human Rights Council|Consejo de Derechos|Conseil des droits|Conselho de Direitos|(?-i:\bHRC\b|\bONU\b|\bUN\b)|United Nations|Naciones Unidas"
    r"|Nations unies|Nações Unidas|СПЧ|ООН|Committee|Comité|Comissão|Commission|parliament|parlament\w*|congreso|congresso|senad[oa]|senate"
    r"|asamblea|assembl\w+|Bundestag|Landtag|Генассамбле\w*|Дум\w*|Rada", _I)


def _court_session(dated: Dated) -> bool:
    """True when "session" in a sentence of a trial report is the court's sitting: court
    words around it, and no assembly (the UN's, a parliament's) named in the sentence."""
    if _ASSEMBLY.search(dated.sentence):
        return False
    window = dated.text[max(0, dated.begin - 900):dated.end + 300]
    return len({m.group().lower() for m in _COURT_WORD.finditer(window)}) >= 2


def _tense_weights(dated: Dated, cues: "Cues", lo: int, hi: int) -> tuple[float, float]:
    return tuple(sum(_weight(dated.distance(a, b)) for a, b, _ in cues.within(family, lo, hi)) for family in ("forward", "retro"))


# Where one clause of a sentence gives way to another with its own tense: "… is due to be
# heard on 12 June, while the other was adjourned until 19 June"
_CLAUSE_JOIN = re.compile(
    r";|,\s+(?:while|whereas|but|and|although|mientras|pero|alors que|tandis que|mais|während|aber|mentre|ma|enquanto|mas|а|но)\b", _I)


def _clause(dated: Dated) -> tuple[int, int]:
    """(start, stop) of the clause of the date's sentence that holds the date."""
    start = dated.start
    for join in _CLAUSE_JOIN.finditer(dated.text, dated.start, dated.begin):
        start = join.end()
    after = _CLAUSE_JOIN.search(dated.text, dated.end, dated.stop)
    return start, after.start() if after else dated.stop


def names_occasion(line: str) -> bool:
    """True when `line` names an event or a hearing ("Online event", "Side event"), as a
    line of a listing under an entry's date may say what the entry is."""
    return bool(_title_scores(line)[0])


def named_subtype(line: str, kind: str) -> str | None:
    """The type of `kind` that `line` names by its own words ("the trial of … continues"), or None."""
    named = {sub: score for (k, sub), score in _title_scores(line)[1].items() if k == kind}
    return max(named, key=named.__getitem__) if named else None


def announced_event(sentence: str, follows: bool = False) -> str | None:
    """The subtype of the event `sentence` announces by its own words ("This conference will
    be followed by a presentation", "Seguirà una conferenza stampa"), or None: no event cue,
    no word that it lies ahead (with `follows`, that it follows what was said before), or a
    word that it is past."""
    ahead = _FOLLOWS.search(sentence) or not follows and _FORWARD.search(sentence)
    if not ahead or _RETRO.search(sentence):
        return None
    scores, subtypes = _title_scores(sentence)
    if not scores or max(scores, key=lambda k: scores[k]) != "event":
        return None
    return _subtype("event", subtypes, None)


# "will be followed by", "seguirà", "suivra", "seguirá", "im Anschluss": what comes next on the same day
_FOLLOWS = re.compile(r"\b(?:followed by|will follow|seguir[àá]|seguirann?o|suivra|suivi(?:e|s|es)? (?:par|d['’])|im anschluss|anschließend|a seguir)\b", _I)


def _title_scores(title: str):
    """Kind scores read from a post or block title ("Side event: …"), for "Date:" lines."""
    scores: dict[str, float] = {}
    subtype_scores: dict[tuple[str, str], float] = {}
    for match in _ANY_KIND.finditer(title):
        _, kind, subtype, weight = _KIND_CUES[int(match.lastgroup[1:])]
        if kind == "deadline":
            continue  # a "Date:" line is when something happens, not a closing date
        scores[kind] = scores.get(kind, 0.0) + weight
        if subtype:
            subtype_scores[(kind, subtype)] = subtype_scores.get((kind, subtype), 0.0) + weight
    return scores, subtype_scores


def _subtype(kind: str, subtype_scores: dict, title: str | None) -> str:
    """The best subtype of `kind`, falling back on cues in the post title."""
    candidates = {sub: s for (k, sub), s in subtype_scores.items() if k == kind}
    for pattern, cue_kind, sub, weight in _KIND:
        if title and cue_kind == kind and sub and pattern.search(title):
            candidates[sub] = candidates.get(sub, 0.0) + weight * 0.5  # a tie-breaker, below a close cue
    if not candidates:
        return {"deadline": "other", "event": "other", "hearing": "hearing"}[kind]
    return max(candidates, key=lambda s: candidates[s])


def _line(dated: Dated) -> str:
    """The line that holds the date."""
    text = dated.text
    start = text.rfind("\n", dated.start, dated.begin) + 1 or dated.start
    stop = text.find("\n", dated.end, dated.stop)
    return text[start:stop if stop >= 0 else dated.stop]


def orientation(dated: Dated, cues: Cues) -> tuple[float, bool]:
    """(score, superseded): score > 0 when the date lies ahead of the writer."""
    if _CALLED_OFF.match(dated.text, dated.end, min(dated.stop, dated.end + 60)):
        return -1.0, True
    if _MOVED_AGAIN_AFTER.match(dated.text, dated.end, min(dated.stop, dated.end + 80)):
        return -1.0, True
    if _MOVED_AGAIN_BEFORE.search(dated.text, max(dated.start, dated.begin - 80), dated.begin):
        return 2.0, False
    if is_open_window(dated):
        return 2.0, False
    before = _before(dated.text, dated.begin, dated.start)
    if before is not None:
        superseded = _SUPERSEDED.search(before)  # all 90 characters: "postpone the trial on …, set for"
        before = before[-60:]
        if superseded:
            return -1.0, True
        if _IMMEDIATE_FORWARD.search(before) or _DEADLINE_MARKER.search(before):
            return 2.0, False
    else:
        before = dated.text[max(dated.start, dated.begin - 60):dated.begin]
    if dated.labelled:
        # A schedule or "Date:" line: its own words decide; the rest of its block may be about
        # something else, unless it speaks only of the past ("Date: 14 February\nThis morning
        # the centre hosted a press conference"). Past ones without a tense cue fall to the
        # post-date check.
        if _RETRO.search(_line(dated)):
            return -1.0, False
        block = [sum(1 for _ in cues.within(family, dated.start, dated.stop)) for family in ("forward", "retro")]
        return (-1.0, False) if block[1] and not block[0] else (1.5, False)
    forward, retro = _tense_weights(dated, cues, *_clause(dated))
    if not forward and not retro:
        forward, retro = _tense_weights(dated, cues, dated.start, dated.stop)
    if _PAST_ANCHOR.search(before):
        retro += 1.0
    return forward - retro, False

"""The offline brain's words in each language it writes (en, nl, de, fr, es), and how it tells which one a brief
is in. Voice-over options run from the fullest to the shortest; the writer picks the longest that fits the
scene at a natural reading speed. Placeholders: {product} {audience} {benefit} {problem} {cta}."""

from __future__ import annotations

import re
from typing import Any

STOPWORDS = {
    "en": "the and of to for with is are our your you we it this that in on from their".split(),
    "nl": "de het een en van voor met is zijn onze jouw je wij dit dat op uit hun niet ook".split(),
    "de": "der die das und für mit ist sind unsere ihre sie wir dies dass auf aus nicht auch ein eine".split(),
    "fr": "le la les et des pour avec est sont notre votre vous nous ce cette dans sur une du".split(),
    "es": "el la los las y de para con es son nuestro su usted nosotros este esta en una del".split(),
}


def detect_language(text: str) -> str:
    """The language whose common words the text uses most (English when nothing stands out)."""
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    scores = {lang: sum(w in set(stop) for w in words) for lang, stop in STOPWORDS.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang == "en"))
    return best if scores[best] > 0 else "en"


SIZES_EN = {
    "EWS": "extreme wide",
    "WS": "wide",
    "MWS": "medium wide",
    "MS": "medium",
    "MCU": "medium close-up",
    "CU": "close-up",
    "ECU": "extreme close-up",
    "OTS": "over-the-shoulder",
    "INSERT": "insert",
}

PHRASES: dict[str, dict[str, Any]] = {
    "en": {
        "lead": "Lead",
        "shot_roles": ["the moment unfolds", "a telling detail", "the reaction that lands it"],
        "default_product": "the product",
        "default_audience": "people who would get the most out of {product}",
        "default_benefit": "{product} makes the day a little easier",
        "default_problem": "the everyday hassle that {product} takes away",
        "default_cta": "Discover {product} today.",
        "default_tone": "warm, confident",
        "purpose": "Make {audience} notice {product} and act: {cta}",
        "kpis_online": [
            "View-through rate of 30 % or more",
            "Click-through rate of 1 % or more",
            "Brand recall uplift measured in a post-campaign survey",
        ],
        "kpis_explainer": [
            "Average watch time above 60 %",
            "Sign-ups or enquiries from the landing page",
            "Fewer support questions on the topic",
        ],
        "kpis_previz": ["Shot breakdown approved before production", "Compute budget agreed"],
        "format": "{length} s film, {ratios}",
        "q_budget": "The brief names no budget: what is the range for the whole production?",
        "q_deadline": "The brief names no deadline: when must the deliverables be ready?",
        "q_audience": "Who exactly is the audience? The plan assumes the product's likely users.",
        "q_length": "The brief asks for {asked}; the template allows {length} s. Is that acceptable?",
        "q_problem": "The brief does not say which problem the product solves; the script keeps it general.",
        "narrator": "Narrator",
        "music": {
            "default": "Light, optimistic track with a clear pulse; it lifts at the call to action.",
            "energetic": "Driving up-tempo track, hard cut on the downbeat at the end.",
            "calm": "Soft piano and strings, unhurried.",
            "premium": "Minimal, elegant score with space between the notes.",
        },
        "shot_description": "{size} shot: {action}",
        "sizes": SIZES_EN,
        "beats": {
            "hook": {
                "place": ("EXT", "City street", "Morning"),
                "action": "{audience} on the move; something catches their eye.",
                "vo": ["Imagine this: {benefit}.", "{product}. Look again."],
                "sound": "City ambience drops away on the first beat.",
            },
            "problem": {
                "place": ("INT", "Home", "Day"),
                "action": "The familiar moment of friction: {problem}.",
                "vo": ["We all know it: {problem}.", "Sound familiar?"],
            },
            "solution": {
                "place": ("INT", "Home", "Day"),
                "action": "{product} in use, clearly in frame: the moment it makes the difference.",
                "vo": [
                    "That's why there is {product}: {benefit}.",
                    "{product}: {benefit}.",
                    "Meet {product}.",
                ],
                "super": "{product}",
            },
            "how_it_works": {
                "place": ("INT", "Studio", "Day"),
                "action": "Three simple steps with {product}, each shown up close.",
                "vo": [
                    "It takes three simple steps, and {product} does the hard part for you.",
                    "Three simple steps. That's all.",
                ],
            },
            "proof": {
                "place": ("EXT", "Park", "Afternoon"),
                "action": "{audience} enjoying the result, relaxed and at ease.",
                "vo": ["People who try {product} don't go back.", "Try it once. You'll see."],
            },
            "call_to_action": {
                "place": ("INT", "Studio", "Day"),
                "action": "Hero shot of {product}; the end card with logo and call to action.",
                "vo": ["{product}. {cta}", "{cta}"],
                "super": "{cta}",
                "sound": "Soft logo sting.",
            },
        },
    },
    "nl": {
        "lead": "Hoofdrol",
        "shot_roles": ["het moment ontvouwt zich", "een veelzeggend detail", "de reactie die het afmaakt"],
        "default_product": "het product",
        "default_audience": "mensen die het meest aan {product} hebben",
        "default_benefit": "{product} maakt je dag net wat makkelijker",
        "default_problem": "het dagelijkse gedoe dat {product} je uit handen neemt",
        "default_cta": "Ontdek {product} vandaag nog.",
        "default_tone": "warm, zelfverzekerd",
        "purpose": "Zorgen dat {audience} {product} opmerken en in actie komen: {cta}",
        "kpis_online": [
            "View-through rate van 30 % of meer",
            "Doorklikratio van 1 % of meer",
            "Hogere merkherinnering in een meting na de campagne",
        ],
        "kpis_explainer": [
            "Gemiddelde kijkduur boven 60 %",
            "Aanmeldingen of aanvragen via de landingspagina",
            "Minder vragen aan de klantenservice over dit onderwerp",
        ],
        "kpis_previz": ["Shotbreakdown goedgekeurd voor de productie", "Rekenbudget afgesproken"],
        "format": "film van {length} s, {ratios}",
        "q_budget": "De briefing noemt geen budget: wat is de bandbreedte voor de hele productie?",
        "q_deadline": "De briefing noemt geen deadline: wanneer moeten de deliverables klaar zijn?",
        "q_audience": "Wie is de doelgroep precies? Het plan gaat uit van de waarschijnlijke gebruikers.",
        "q_length": "De briefing vraagt {asked}; de template staat {length} s toe. Is dat akkoord?",
        "q_problem": "De briefing zegt niet welk probleem het product oplost; het script houdt het algemeen.",
        "narrator": "Voice-over",
        "music": {
            "default": "Lichte, optimistische track met een duidelijke puls; tilt op bij de oproep.",
            "energiek": "Stuwende uptempo-track, harde cut op de laatste tel.",
            "rustig": "Zachte piano en strijkers, zonder haast.",
        },
        "shot_description": "{size}: {action}",
        "sizes": {
            "EWS": "extreem totaal",
            "WS": "totaal",
            "MWS": "half totaal",
            "MS": "medium shot",
            "MCU": "medium close-up",
            "CU": "close-up",
            "ECU": "extreme close-up",
            "OTS": "over-de-schouder",
            "INSERT": "insert",
        },
        "beats": {
            "hook": {
                "place": ("EXT", "Straat in de stad", "Ochtend"),
                "action": "{audience} onderweg; iets trekt hun aandacht.",
                "vo": ["Stel je voor: {benefit}.", "{product}. Kijk nog eens."],
                "sound": "Stadsgeluid valt weg op de eerste tel.",
            },
            "problem": {
                "place": ("INT", "Thuis", "Dag"),
                "action": "Het bekende moment van frustratie: {problem}.",
                "vo": ["Je kent het wel: {problem}.", "Herkenbaar?"],
            },
            "solution": {
                "place": ("INT", "Thuis", "Dag"),
                "action": "{product} in gebruik, goed in beeld: het moment dat het verschil maakt.",
                "vo": [
                    "Daarom is er {product}: {benefit}.",
                    "{product}: {benefit}.",
                    "Maak kennis met {product}.",
                ],
                "super": "{product}",
            },
            "how_it_works": {
                "place": ("INT", "Studio", "Dag"),
                "action": "Drie eenvoudige stappen met {product}, elk van dichtbij.",
                "vo": [
                    "Drie eenvoudige stappen, en {product} doet het zware werk.",
                    "Drie eenvoudige stappen. Meer niet.",
                ],
            },
            "proof": {
                "place": ("EXT", "Park", "Middag"),
                "action": "{audience} genieten van het resultaat, ontspannen.",
                "vo": ["Wie {product} probeert, wil niet meer terug.", "Probeer het één keer."],
            },
            "call_to_action": {
                "place": ("INT", "Studio", "Dag"),
                "action": "Packshot van {product}; eindkaart met logo en oproep.",
                "vo": ["{product}. {cta}", "{cta}"],
                "super": "{cta}",
                "sound": "Zachte logo-sting.",
            },
        },
    },
    "de": {
        "lead": "Hauptrolle",
        "shot_roles": [
            "der Moment entfaltet sich",
            "ein aussagekräftiges Detail",
            "die Reaktion, die ihn abrundet",
        ],
        "default_product": "das Produkt",
        "default_audience": "Menschen, die am meisten von {product} haben",
        "default_benefit": "{product} macht den Alltag ein Stück leichter",
        "default_problem": "der tägliche Aufwand, den {product} abnimmt",
        "default_cta": "Entdecken Sie {product} noch heute.",
        "default_tone": "warm, selbstbewusst",
        "purpose": "{audience} sollen {product} wahrnehmen und handeln: {cta}",
        "kpis_online": [
            "View-Through-Rate von mindestens 30 %",
            "Klickrate von mindestens 1 %",
            "Höhere Markenerinnerung in einer Befragung nach der Kampagne",
        ],
        "kpis_explainer": [
            "Durchschnittliche Sehdauer über 60 %",
            "Anmeldungen oder Anfragen über die Landingpage",
            "Weniger Supportanfragen zum Thema",
        ],
        "kpis_previz": ["Shot-Aufteilung vor der Produktion abgenommen", "Rechenbudget vereinbart"],
        "format": "Film mit {length} s, {ratios}",
        "q_budget": "Das Briefing nennt kein Budget: Welcher Rahmen gilt für die gesamte Produktion?",
        "q_deadline": "Das Briefing nennt keine Deadline: Wann müssen die Deliverables fertig sein?",
        "q_audience": "Wer genau ist die Zielgruppe? Der Plan geht von den wahrscheinlichen Nutzern aus.",
        "q_length": "Das Briefing verlangt {asked}; die Vorlage erlaubt {length} s. Ist das in Ordnung?",
        "q_problem": "Das Briefing nennt kein Problem, das das Produkt löst; das Skript bleibt allgemein.",
        "narrator": "Sprecher",
        "music": {
            "default": "Leichter, optimistischer Track mit klarem Puls; hebt beim Call to Action an.",
            "energisch": "Treibender Uptempo-Track, harter Schnitt auf dem letzten Schlag.",
            "ruhig": "Sanftes Klavier und Streicher, ohne Eile.",
        },
        "shot_description": "{size}: {action}",
        "sizes": {
            "EWS": "Panorama",
            "WS": "Totale",
            "MWS": "Halbtotale",
            "MS": "Halbnah",
            "MCU": "Nah",
            "CU": "Großaufnahme",
            "ECU": "Detail",
            "OTS": "Over-Shoulder",
            "INSERT": "Insert",
        },
        "beats": {
            "hook": {
                "place": ("EXT", "Straße in der Stadt", "Morgen"),
                "action": "{audience} unterwegs; etwas zieht ihren Blick auf sich.",
                "vo": ["Stell dir vor: {benefit}.", "{product}. Schau genau hin."],
                "sound": "Stadtgeräusche brechen auf dem ersten Schlag ab.",
            },
            "problem": {
                "place": ("INT", "Zuhause", "Tag"),
                "action": "Der bekannte Moment der Frustration: {problem}.",
                "vo": ["Wir alle kennen das: {problem}.", "Kommt Ihnen das bekannt vor?"],
            },
            "solution": {
                "place": ("INT", "Zuhause", "Tag"),
                "action": "{product} im Einsatz, gut im Bild: der Moment, der den Unterschied macht.",
                "vo": [
                    "Genau dafür gibt es {product}: {benefit}.",
                    "{product}: {benefit}.",
                    "Das ist {product}.",
                ],
                "super": "{product}",
            },
            "how_it_works": {
                "place": ("INT", "Studio", "Tag"),
                "action": "Drei einfache Schritte mit {product}, jeder aus der Nähe.",
                "vo": [
                    "Drei einfache Schritte, und {product} erledigt den Rest.",
                    "Drei einfache Schritte. Mehr nicht.",
                ],
            },
            "proof": {
                "place": ("EXT", "Park", "Nachmittag"),
                "action": "{audience} genießen das Ergebnis, entspannt.",
                "vo": ["Wer {product} einmal probiert, bleibt dabei.", "Einmal probieren genügt."],
            },
            "call_to_action": {
                "place": ("INT", "Studio", "Tag"),
                "action": "Packshot von {product}; Endtafel mit Logo und Handlungsaufforderung.",
                "vo": ["{product}. {cta}", "{cta}"],
                "super": "{cta}",
                "sound": "Dezenter Logo-Sound.",
            },
        },
    },
    "fr": {
        "lead": "Rôle principal",
        "shot_roles": ["le moment se déploie", "un détail révélateur", "la réaction qui conclut"],
        "default_product": "le produit",
        "default_audience": "les personnes à qui {product} sera le plus utile",
        "default_benefit": "{product} simplifie le quotidien",
        "default_problem": "la corvée quotidienne dont {product} vous libère",
        "default_cta": "Découvrez {product} dès aujourd'hui.",
        "default_tone": "chaleureux, confiant",
        "purpose": "Faire remarquer {product} à {audience} et les faire agir : {cta}",
        "kpis_online": [
            "Taux de visionnage complet d'au moins 30 %",
            "Taux de clic d'au moins 1 %",
            "Hausse de la mémorisation de la marque mesurée après la campagne",
        ],
        "kpis_explainer": [
            "Durée moyenne de visionnage au-delà de 60 %",
            "Inscriptions ou demandes depuis la page",
            "Moins de questions au service client sur le sujet",
        ],
        "kpis_previz": ["Découpage technique validé avant la production", "Budget de calcul validé"],
        "format": "film de {length} s, {ratios}",
        "q_budget": "Le brief n'indique pas de budget : quelle fourchette pour toute la production ?",
        "q_deadline": "Le brief n'indique pas d'échéance : quand les livrables doivent-ils être prêts ?",
        "q_audience": "Quelle est précisément la cible ? Le plan suppose les utilisateurs probables.",
        "q_length": "Le brief demande {asked} ; le modèle permet {length} s. Est-ce acceptable ?",
        "q_problem": "Le brief ne dit pas quel problème le produit résout ; le script reste général.",
        "narrator": "Voix off",
        "music": {
            "default": "Morceau léger et optimiste, pulsation claire ; il s'élève sur l'appel à l'action.",
            "energique": "Morceau rythmé et entraînant, coupe franche sur le dernier temps.",
            "calme": "Piano doux et cordes, sans hâte.",
        },
        "shot_description": "{size} : {action}",
        "sizes": {
            "EWS": "très grand plan d'ensemble",
            "WS": "plan d'ensemble",
            "MWS": "plan moyen large",
            "MS": "plan moyen",
            "MCU": "plan rapproché",
            "CU": "gros plan",
            "ECU": "très gros plan",
            "OTS": "plan par-dessus l'épaule",
            "INSERT": "insert",
        },
        "beats": {
            "hook": {
                "place": ("EXT", "Rue en ville", "Matin"),
                "action": "{audience} en mouvement ; quelque chose attire leur regard.",
                "vo": ["Imaginez : {benefit}.", "{product}. Regardez bien."],
                "sound": "Le bruit de la ville s'efface sur le premier temps.",
            },
            "problem": {
                "place": ("INT", "Maison", "Jour"),
                "action": "Le moment de friction que l'on connaît : {problem}.",
                "vo": ["On connaît tous ça : {problem}.", "Ça vous parle ?"],
            },
            "solution": {
                "place": ("INT", "Maison", "Jour"),
                "action": "{product} en action, bien cadré : le moment qui change tout.",
                "vo": [
                    "C'est pour ça qu'il y a {product} : {benefit}.",
                    "{product} : {benefit}.",
                    "Voici {product}.",
                ],
                "super": "{product}",
            },
            "how_it_works": {
                "place": ("INT", "Studio", "Jour"),
                "action": "Trois étapes simples avec {product}, chacune en gros plan.",
                "vo": [
                    "Trois étapes simples, et {product} s'occupe du reste.",
                    "Trois étapes simples. C'est tout.",
                ],
            },
            "proof": {
                "place": ("EXT", "Parc", "Après-midi"),
                "action": "{audience} profitent du résultat, détendus.",
                "vo": ["Ceux qui essaient {product} l'adoptent.", "Essayez une fois."],
            },
            "call_to_action": {
                "place": ("INT", "Studio", "Jour"),
                "action": "Packshot de {product} ; carton final avec logo et appel à l'action.",
                "vo": ["{product}. {cta}", "{cta}"],
                "super": "{cta}",
                "sound": "Signature sonore discrète du logo.",
            },
        },
    },
    "es": {
        "lead": "Protagonista",
        "shot_roles": ["el momento se despliega", "un detalle revelador", "la reacción que lo remata"],
        "default_product": "el producto",
        "default_audience": "las personas que más partido sacarán a {product}",
        "default_benefit": "{product} te hace el día un poco más fácil",
        "default_problem": "la molestia diaria de la que {product} te libra",
        "default_cta": "Descubre {product} hoy mismo.",
        "default_tone": "cercano, seguro",
        "purpose": "Que {audience} se fijen en {product} y actúen: {cta}",
        "kpis_online": [
            "Tasa de visualización completa del 30 % o más",
            "Tasa de clics del 1 % o más",
            "Mayor recuerdo de marca medido tras la campaña",
        ],
        "kpis_explainer": [
            "Tiempo medio de visionado por encima del 60 %",
            "Registros o consultas desde la página",
            "Menos consultas al servicio de atención sobre el tema",
        ],
        "kpis_previz": ["Desglose de planos aprobado antes de producir", "Presupuesto de cálculo acordado"],
        "format": "pieza de {length} s, {ratios}",
        "q_budget": "El brief no indica presupuesto: ¿qué horquilla tiene toda la producción?",
        "q_deadline": "El brief no indica fecha límite: ¿cuándo deben estar listas las piezas?",
        "q_audience": "¿Quién es exactamente el público? El plan supone los usuarios probables.",
        "q_length": "El brief pide {asked}; la plantilla permite {length} s. ¿Es aceptable?",
        "q_problem": "El brief no dice qué problema resuelve el producto; el guion lo mantiene general.",
        "narrator": "Locutor",
        "music": {
            "default": "Tema ligero y optimista con pulso claro; crece en la llamada a la acción.",
            "energico": "Tema rítmico y enérgico, corte seco en el último tiempo.",
            "tranquilo": "Piano suave y cuerdas, sin prisa.",
        },
        "shot_description": "{size}: {action}",
        "sizes": {
            "EWS": "gran plano general",
            "WS": "plano general",
            "MWS": "plano americano",
            "MS": "plano medio",
            "MCU": "plano medio corto",
            "CU": "primer plano",
            "ECU": "primerísimo primer plano",
            "OTS": "plano sobre el hombro",
            "INSERT": "plano detalle",
        },
        "beats": {
            "hook": {
                "place": ("EXT", "Calle de la ciudad", "Mañana"),
                "action": "{audience} en marcha; algo les llama la atención.",
                "vo": ["Imagina: {benefit}.", "{product}. Mira otra vez."],
                "sound": "El ruido de la ciudad se corta en el primer tiempo.",
            },
            "problem": {
                "place": ("INT", "Casa", "Día"),
                "action": "El momento de fricción de siempre: {problem}.",
                "vo": ["Todos lo conocemos: {problem}.", "¿Te suena?"],
            },
            "solution": {
                "place": ("INT", "Casa", "Día"),
                "action": "{product} en uso, bien encuadrado: el momento que marca la diferencia.",
                "vo": [
                    "Para eso existe {product}: {benefit}.",
                    "{product}: {benefit}.",
                    "Te presentamos {product}.",
                ],
                "super": "{product}",
            },
            "how_it_works": {
                "place": ("INT", "Estudio", "Día"),
                "action": "Tres pasos sencillos con {product}, cada uno de cerca.",
                "vo": [
                    "Tres pasos sencillos, y {product} hace lo difícil por ti.",
                    "Tres pasos sencillos. Nada más.",
                ],
            },
            "proof": {
                "place": ("EXT", "Parque", "Tarde"),
                "action": "{audience} disfrutando del resultado, tranquilos.",
                "vo": ["Quien prueba {product}, repite.", "Pruébalo una vez."],
            },
            "call_to_action": {
                "place": ("INT", "Estudio", "Día"),
                "action": "Bodegón de {product}; cartela final con logo y llamada a la acción.",
                "vo": ["{product}. {cta}", "{cta}"],
                "super": "{cta}",
                "sound": "Sintonía breve del logo.",
            },
        },
    },
}

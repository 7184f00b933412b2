"""Which part of the business a mention is about, from phrase rules in both languages."""

from __future__ import annotations

from crisiswatch.scoring.matcher import PhraseSet, index_patterns

# category -> (weight, regex) cues; matched on lower-case, accent-free text. Generic for any brand.
_RULES: dict[str, list[tuple[float, str]]] = {
    "ethics_legal": [
        (3.0, r"racis\w*|discrimin\w*|sexis\w*|homophob\w*|homofob\w*|harass\w*|acos[oa]\w*|fraud\w*|scam\w*|estaf\w*"
              r"|lawsuit|sue\b|sued|suing|lawyer|attorney|abogad\w*|demandar\w*|denunci\w*|illegal|ilegal\w*|privacy"
              r"|privacidad|data breach|leak(ed)?\b|filtracion|hack\w*|jaqueo|unsafe|insegur\w*|safety|seguridad"
              r"|boycott\w*|boicot\w*|corrupt\w*|exploit\w*|explotacion|abuse\w*|abuso\w*|maltrato|poison\w*|intoxica\w*"),
    ],
    "billing_payments": [
        (2.0, r"refund\w*|reembols\w*|devolucion del dinero|devuelvan? (mi|el) dinero|charged?|charges|overcharg\w*"
              r"|cobr[oaé]\w*|cobro\w*|billing|bill\b|factura\w*|invoice|payment\w*|pago\w*|pagu\w*|credit card|tarjeta"
              r"|fee\b|fees|comision\w*|price\w*|precio\w*|tarifa\w*|money|dinero|\$\d+|\d+ ?(usd|eur|euros|pesos|dolares)"
              r"|voucher|credit\b|cargo\w* (extra|indebido|doble)|doble cargo|suscripcion|subscription"),
    ],
    "delivery_logistics": [
        (2.5, r"bag\b|bags\b|baggage|luggage|suitcase|maleta\w*|equipaje\w*|valija\w*|package\w*|parcel|paquete\w*"
              r"|shipping|shipment|envio\w*|delivery|deliver\w*|entrega\w*|pedido\w*|courier|tracking|rastreo"
              r"|mensajer\w*|repartidor\w*|carousel|claim\b|lost and found|objetos perdidos"),
    ],
    "service_disruption": [
        (2.0, r"delay\w*|late\b|later\b|cancel+\w*|cancelad\w*|cancelaci\w*|retras\w*|demora\w*|outage\w*|down\b|caid[oa]\b"
              r"|se cayo|no funciona|not working|isn'?t working|stranded|stuck|missed (my |our )?connect\w*|connection"
              r"|diverted|grounded|tarmac|gate\b|deic\w*|weather|strike|huelga\w*|paro\b|long lines?|queue|cola\b|colas\b"
              r"|fila\b|filas\b|on time|departure|boarding|embarque|sin servicio|interrup\w*|overbook\w*|sobreventa"
              r"|reschedul\w*|rebook\w*|reprogram\w*|waitlist|standby|missed (my |our |the )?flight|perd\w* (el|mi) vuelo"),
        (1.4, r"\d+ ?(hours?|hrs?|h|mins?|minutes|horas|minutos)\b|hours\b|wait\w*|still (here|at|in|on|sitting|stuck)"
              r"|supposed to (depart|leave|land|arrive|take off|be)|take ?off|taken off|took off|deplan\w*|landed|landing"
              r"|arriv\w*|schedul\w*|inconvenien\w*|hotel\b|time change\w*|make (it|my (flight|connection))|on time"
              r"|esper\w*|horas\b|aterriz\w*|despeg\w*|salida\w*|llegada\w*|escala\w*|conexion\w*|horario\w*|a tiempo"
              r"|en tierra|puerta de embarque"),
    ],
    "customer_service": [
        (1.6, r"customer (service|care|support)|atencion al cliente|servicio al cliente|agent\w*|agente\w*|representative"
              r"|rep\b|staff|personal\b|employee\w*|emplead\w*|rude|grosero\w*|maleducad\w*|on hold|hold\b|call\w*|llam\w*"
              r"|phone|telefono|hung up|colg\w*|email\w*|correo|respon\w*|contest\w*|answer\w*|reply|replied|dm\b|dms\b"
              r"|message|mensaje\w*|help\w*|ayud\w*|nobody|no one|nadie|attendant\w*|azafat\w*|tripulaci\w*|crew"
              r"|supervisor|manager|gerente|chat\b|complain\w*|queja\w*|reclam\w*|treat\w*|trato|atencion|attitude|actitud"),
        (3.0, r"on hold|hung up|hang up|customer (service|care|support)|atencion al cliente|servicio al cliente|rude"
              r"|grosero\w*|maleducad\w*|no one (answers|picks up|responds)|nadie (contesta|responde|atiende)"),
        (2.4, r"staff|employee\w*|emplead\w*|(gate |ticket |desk )?agents?\b|attendants?|steward\w*|crew|pilot\w*|azafat\w*"
              r"|tripulaci\w*|personal de (tierra|cabina|a bordo)|supervisor|manager|gerente|unprofessional|attitude|actitud"
              r"|communicat\w*|comunicacion|informa\w*|lied|lying|mintieron|mienten"),
    ],
    "product_quality": [
        (1.8, r"seat\w*|asiento\w*|legroom|wifi|wi-fi|internet|food|comida|meal\w*|snack\w*|drink\w*|bebida\w*|dirty|sucio\w*"
              r"|broken|rot[oa]s?\b|defect\w*|defectuos\w*|quality|calidad|smell\w*|olor\w*|cold\b|frio\b|hot\b|calor"
              r"|uncomfortable|incomod\w*|entertainment|tv\b|screen|pantalla\w*|movie\w*|app\b|website|web\b|pagina"
              r"|aplicacion|bathroom|lavatory|bano\w*|cabin\w*|cabina|plane\b|aircraft|avion\b|product\w*|producto\w*"
              r"|battery|bateria|firmware|bug\w*|glitch\w*|crash\w*|no sirve|doesn'?t work|stopped working|dejo de funcionar"),
    ],
    "marketing_misunderstanding": [
        (2.5, r"\bad\b|\bads\b|advert\w*|commercial\b|anuncio\w*|publicidad|campaign|campana\w*|promo\w*|promotion"
              r"|oferta\w*|slogan|eslogan|tone.?deaf|offensive ad|misleading|enganos\w*|publicidad engan\w*"
              r"|fake (offer|deal|sale)|false advertising|not as advertised|hashtag|marketing|influencer\w*"),
    ],
}
COMPLAINT_SERVICE_PRIOR = 0.5  # a complaint's default subject: the service the person got
_WORDS, PHRASES = index_patterns((p, (cat, w)) for cat, rules in _RULES.items() for w, p in rules)
_PHRASES: PhraseSet[tuple[str, float]] = PhraseSet(PHRASES)
_RANK = {cat: i for i, cat in enumerate(_RULES)}  # ties go to the earlier (more severe) category
SEVERITY = {
    "ethics_legal": 1.0,
    "service_disruption": 0.7,
    "product_quality": 0.6,
    "delivery_logistics": 0.55,
    "billing_payments": 0.55,
    "marketing_misunderstanding": 0.6,
    "customer_service": 0.5,
    "other": 0.3,
}


def category_scores(tokens: list[str], low: str, phrase_hits: list[tuple[str, float]] | None = None) -> dict[str, float]:
    """Each category's summed rule weight in a tokenised, lower-case, accent-free text (categories without a cue left out)."""
    scores: dict[str, float] = {}
    for cat, weight in filter(None, map(_WORDS.lookup, tokens)):
        scores[cat] = scores.get(cat, 0.0) + weight
    for cat, weight in _PHRASES.find(low) if phrase_hits is None else phrase_hits:
        scores[cat] = scores.get(cat, 0.0) + weight
    return scores


def categorise(tokens: list[str], low: str, negative: bool, phrase_hits: list[tuple[str, float]] | None = None) -> str:
    """The best-supported category of a tokenised, lower-case, accent-free text.

    A complaint is about the service the person got (customer_service) unless a topical cue outweighs
    COMPLAINT_SERVICE_PRIOR; anything else without a cue is `other`.
    """
    scores = category_scores(tokens, low, phrase_hits)
    if negative:
        scores["customer_service"] = scores.get("customer_service", 0.0) + COMPLAINT_SERVICE_PRIOR
    elif not scores:
        return "other"
    if len(scores) == 1:
        return next(iter(scores))
    return max(scores, key=lambda c: (scores[c], -_RANK[c]))

"""Spanish demo mentions (original, fictional)."""

from __future__ import annotations

from cli.demo.model import Item, Row, make_items

_ROWS: list[Row] = [
    ("world", "Lucía Fernández", 495.0, "acme", "positive", "coverage",
     "Acme Mobile funciona de maravilla en el pueblo",
     "Llevo un año con Acme Mobile y nunca me he quedado sin cobertura, ni siquiera en la casa de mis "
     "abuelos. Muy contenta."),
    ("world", "Javier Morales", 444.0, "initech", "negative", "price",
     "Initech sube el precio de la tarifa Flex",
     "<p>Tres dólares más al mes por <b>el mismo servicio</b>. Para una tarifa de prepago es una subida "
     "enorme. Estoy buscando otra compañía.</p>"),
    ("world", "Carmen Ruiz", 405.0, "globex", "neutral", "support",
     "¿Alguien sabe si Globex tiene atención en español?",
     "Mi madre no habla inglés y quiere cambiarse a Globex Telecom. ¿Tienen una línea de ayuda en "
     "español?"),
    ("world", "Andrés Gil", 404.0, "globex", "positive", "support",
     "Re: ¿Alguien sabe si Globex tiene atención en español?",
     "Sí, marcando la opción 3. Me atendieron rápido y con mucha amabilidad."),
    ("world", "Sofía Herrera", 335.0, "acme", "negative", "billing",
     "Acme me cobró dos veces la factura",
     "Me han cobrado la factura dos veces y el banco me ha puesto una comisión por descubierto. "
     "¡Qué vergüenza, Acme!"),
    ("world", "Diego Paredes", 245.0, "globex", "positive", "launch",
     "Globex Fiber One: probado y aprobado",
     "<p>Instalaron la fibra de Globex ayer. Casi 2&nbsp;Gbps por cable y la subida igual de rápida. "
     "Una maravilla para trabajar desde casa.</p>"),
    ("world", "Valentina Ortiz", 185.0, "globex", "negative", "support",
     "Tres semanas esperando al técnico de Globex",
     "Me cancelaron la cita de instalación dos veces sin avisar. Muy mal servicio por parte de Globex."),
    ("world", "Mateo Castro", 155.0, "initech", "positive", "coverage",
     "Por fin hay señal en el valle gracias a Initech",
     "Mis padres viven en el valle y hasta ahora no tenían datos. Con las nuevas antenas de Initech "
     "Wireless ya podemos hacer videollamadas."),
    ("world", "Paula Navarro", 62.0, "acme", "negative", "outage",
     "¿Se ha caído Acme?",
     "No tengo ni llamadas ni datos desde hace una hora. El teléfono solo dice &quot;SOS&quot;. "
     "¿Le pasa a alguien más con Acme Mobile?"),
    ("world", "Raúl Domínguez", 61.1, "acme", "negative", "outage",
     "Re: ¿Se ha caído Acme?",
     "A mí también. Llevo dos horas sin servicio y nadie de Acme contesta. Un desastre total."),
    ("world", "Elena Vargas", 60.3, "acme", "negative", "outage",
     "Caída de Acme Mobile: tiendas sin datáfono",
     "<p>En mi tienda cobramos con un terminal que usa una SIM de Acme. Toda la tarde sin poder cobrar "
     "con tarjeta. Pérdidas importantes.</p>"),
    ("world", "Tomás Ibarra", 54.0, "acme,globex", "negative", "outage",
     "Me paso de Acme a Globex",
     "Después de la caída de anoche ya no me fío de Acme. Mañana hago la portabilidad a Globex."),
    ("world", "Lucía Fernández", 32.0, "acme", "mixed", "billing",
     "Acme me ha devuelto 10 dólares por la caída",
     "Ha llegado el abono de Acme por la avería. Algo es algo, aunque me parece poco para cuatro horas "
     "sin servicio."),
    ("world", "Gabriel Soto", 44.0, "initech", "positive", "launch",
     "Initech Flex Go: alta en cinco minutos",
     "Contraté la nueva tarifa Flex Go de Initech desde la aplicación. La eSIM se activó enseguida. "
     "Muy recomendable."),
    ("world", "Marina López", 270.5, "acme,initech", "neutral", "price",
     "¿Acme o Initech para un estudiante?",
     "Busco algo barato con bastantes datos. Initech es más económica, pero Acme tiene mejor cobertura "
     "en la universidad. ¿Qué me recomendáis?"),
    ("world", "Irene Campos", 14.0, "globex", "neutral", "launch",
     "Globex llevará la fibra a Lakeside",
     "Según el anuncio de Globex Telecom, la fibra llegará a Lakeside antes de que acabe el trimestre."),
    ("world", "Hugo Reyes", 220.5, "", "neutral", "other",
     "¿Merece la pena cambiar de móvil este año?",
     "Mi teléfono tiene tres años y funciona bien. ¿Hay alguna novedad que justifique el cambio?"),
]

ITEMS: list[Item] = make_items("es", _ROWS)

import type en from "./start.en";

export default {
  "start.connecting": "Conectando con Backroom…",
  "start.notAnswering": "Backroom no responde",
  "start.checkServer": "Compruebe que el servidor de Backroom esté en marcha y vuelva a intentarlo.",
  "start.tryAgain": "Reintentar",
  "start.empty.title": "Este Backroom está vacío",
  "start.empty.intro":
    "Cargue el almacén de demostración para probar la recogida, el empaquetado y la consulta de existencias con productos, ubicaciones, pedidos y operarios de ejemplo. O configure su propio almacén: la tienda, su equipo, las estaciones, la distribución y luego sus productos, existencias y pedidos desde archivos.",
  "start.loadingDemo": "Cargando la demostración…",
  "start.loadDemo": "Cargar el almacén de demostración",
  "start.setUp": "Configurar mi almacén",
  "start.setUpKey": "C",
  "start.demoReady": "El almacén de demostración está listo",
  "start.demoSummary": "{products} productos en {bins} ubicaciones, {orders} pedidos ({held} retenidos).",
  "start.operator": "Operario",
  "start.role": "Función",
  "start.badge": "Credencial",
  "start.pin": "PIN",
  "start.continueSignIn": "Continuar al inicio de sesión",
} satisfies Record<keyof typeof en, string>;

// Starting the app: connecting to Backroom, and the first screen of an empty database.
export default {
  "start.connecting": "Connecting to Backroom…",
  "start.notAnswering": "Backroom is not answering",
  "start.checkServer": "Check that the Backroom server is running, then try again.",
  "start.tryAgain": "Try again",
  "start.empty.title": "This Backroom is empty",
  "start.empty.intro":
    "Load the demo warehouse to try picking, packing and stock lookup with sample products, bins, orders and operators. Or set up your own warehouse: the store, your team, stations, the layout, then your products, stock and orders from files.",
  "start.loadingDemo": "Loading the demo…",
  "start.loadDemo": "Load the demo warehouse",
  "start.setUp": "Set up my warehouse",
  "start.setUpKey": "S",
  "start.demoReady": "The demo warehouse is ready",
  "start.demoSummary": "{products} products in {bins} bins, {orders} orders ({held} held).",
  "start.operator": "Operator",
  "start.role": "Role",
  "start.badge": "Badge",
  "start.pin": "PIN",
  "start.continueSignIn": "Continue to sign in",
} satisfies Record<string, string>;

//! The demo catalogue: product families of a small online shop, expanded into one SKU per
//! colour, size or model, the way shops list variants.

use super::Rng;
use crate::inventory::catalog::Dimensions;

/// One choice along a variant axis: its label, how it scales the family's weight, and what it
/// adds to the price in cents.
pub(super) struct Opt {
    label: &'static str,
    weight: f64,
    price: i64,
}

const fn o(label: &'static str) -> Opt {
    Opt { label, weight: 1.0, price: 0 }
}

const fn ow(label: &'static str, weight: f64, price: i64) -> Opt {
    Opt { label, weight, price }
}

/// Where a family's goods come from, which decides the kind and prefix of its retail barcode.
#[derive(Clone, Copy)]
enum Origin {
    /// UPC-A, as on goods made for the US market.
    Us,
    /// EAN-13 with a GS1 country prefix.
    Ean(&'static str),
    /// EAN-13 in the ISBN range.
    Book,
}

struct Family {
    name: &'static str,
    category: &'static str,
    /// Weight of one unit in grams, packaging included; 0 for goods nobody has weighed yet.
    grams: f64,
    /// Length, width and height of the packed unit in millimetres; zeros when not measured.
    dims: [f64; 3],
    price: i64,
    origin: Origin,
    /// How well the family sells, 1 to 5; it tilts which SKUs become the fast movers.
    appeal: u32,
    axes: &'static [&'static [Opt]],
}

const APPAREL: &str = "Apparel";
const DRINKWARE: &str = "Drinkware";
const BOOKS: &str = "Books";
const STATIONERY: &str = "Stationery";
const ELECTRONICS: &str = "Electronics accessories";
const COSMETICS: &str = "Cosmetics & care";
const HOME: &str = "Home";
const PANTRY: &str = "Pantry";
const TOYS: &str = "Toys & games";

const SIZES: &[Opt] = &[ow("S", 0.9, 0), ow("M", 1.0, 0), ow("L", 1.1, 0), ow("XL", 1.2, 200)];
const KIDS_SIZES: &[Opt] = &[ow("2T", 0.8, 0), ow("4T", 0.9, 0), ow("6", 1.0, 0), ow("8", 1.1, 0)];
const SOCK_SIZES: &[Opt] = &[ow("S/M", 0.9, 0), ow("L/XL", 1.1, 0)];
const TEE_COLOURS: &[Opt] = &[o("Black"), o("White"), o("Heather Grey"), o("Navy")];
const MUG_COLOURS: &[Opt] =
    &[o("Speckled White"), o("Matte Black"), o("Sage"), o("Terracotta"), o("Midnight Blue")];
const PHONES: &[Opt] = &[
    o("iPhone 14"),
    o("iPhone 15"),
    o("iPhone 15 Pro"),
    o("iPhone 16"),
    o("iPhone 16 Pro"),
    o("Galaxy S24"),
    o("Galaxy S25"),
    o("Pixel 8"),
    o("Pixel 9"),
];
const PLUGS: &[Opt] = &[o("US plug"), o("EU plug"), o("UK plug")];
const BLACK_WHITE: &[Opt] = &[o("Black"), o("White")];
const CANDLE_SCENTS: &[Opt] = &[
    o("Sea Salt"),
    o("Fig & Cassis"),
    o("Pine"),
    o("Vanilla Bean"),
    o("Sandalwood"),
    o("Pumpkin Spice"),
];

// A positional constructor keeps the family table to one line a family.
#[allow(clippy::too_many_arguments)]
const fn fam(
    name: &'static str,
    category: &'static str,
    grams: f64,
    dims: [f64; 3],
    price: i64,
    origin: Origin,
    appeal: u32,
    axes: &'static [&'static [Opt]],
) -> Family {
    Family { name, category, grams, dims, price, origin, appeal, axes }
}

use Origin::{Ean, Us};

const NO_DIMS: [f64; 3] = [0.0; 3];

// One family a line reads as a price list; rustfmt would spread each over ten lines.
#[rustfmt::skip]
static FAMILIES: &[Family] = &[
    // Apparel: every colour and size is its own SKU, as the shop sells them.
    fam("Organic Cotton Tee", APPAREL, 160.0, [300.0, 250.0, 20.0], 1990, Us, 5, &[TEE_COLOURS, SIZES]),
    fam("Long Sleeve Tee", APPAREL, 210.0, [300.0, 250.0, 25.0], 2490, Us, 3, &[&[o("Black"), o("White"), o("Olive")], SIZES]),
    fam("Graphic Tee", APPAREL, 170.0, [300.0, 250.0, 20.0], 2400, Us, 4, &[&[o("Mountains"), o("Retro Sunset"), o("Cat Nap")], SIZES]),
    fam("Café Racer Tee", APPAREL, 170.0, [300.0, 250.0, 20.0], 2400, Ean("34"), 2, &[&[o("Black"), o("Bone")], SIZES]),
    fam("Αθήνα Souvenir Tee", APPAREL, 165.0, [300.0, 250.0, 20.0], 2200, Ean("520"), 1, &[&[o("White")], SIZES]),
    fam("Kids' Hoodie", APPAREL, 320.0, [280.0, 220.0, 50.0], 3200, Us, 2, &[&[o("Sky Blue"), o("Pink")], KIDS_SIZES]),
    fam("Kids' Tee", APPAREL, 90.0, [220.0, 180.0, 15.0], 1600, Us, 2, &[&[o("Sunshine Yellow"), o("Sky Blue")], KIDS_SIZES]),
    fam("Logo Hoodie", APPAREL, 620.0, [350.0, 300.0, 60.0], 5400, Us, 4, &[&[o("Black"), o("Forest Green"), o("Oatmeal")], SIZES]),
    fam("Crewneck Sweatshirt", APPAREL, 540.0, [350.0, 300.0, 50.0], 4800, Us, 3, &[&[o("Heather Grey"), o("Navy"), o("Dusty Rose")], SIZES]),
    fam("Packable Rain Jacket", APPAREL, 480.0, [380.0, 300.0, 80.0], 8900, Ean("69"), 2, &[&[o("Navy"), o("Yellow")], SIZES]),
    fam("Crew Socks", APPAREL, 60.0, [200.0, 100.0, 20.0], 1200, Us, 4, &[&[o("Charcoal"), o("Mustard"), o("Striped"), o("Avocados"), o("Cats"), o("Cacti")], SOCK_SIZES]),
    fam("Wool Beanie", APPAREL, 90.0, [250.0, 200.0, 30.0], 2400, Ean("50"), 3, &[&[o("Black"), o("Rust"), o("Cream"), o("Sage")]]),
    fam("Dad Cap", APPAREL, 110.0, [270.0, 190.0, 120.0], 2600, Us, 3, &[&[o("Khaki"), o("Navy"), o("Black")]]),
    fam("Canvas Tote Bag", APPAREL, 180.0, [400.0, 380.0, 10.0], 1800, Us, 4, &[&[o("Natural"), o("Black")]]),
    fam("Cotton Bandana", APPAREL, 30.0, NO_DIMS, 900, Us, 1, &[&[o("Paisley Red"), o("Paisley Blue")]]),
    // Drinkware: heavy for its size and fragile.
    fam("Stoneware Mug 11 oz", DRINKWARE, 340.0, [120.0, 90.0, 95.0], 1800, Us, 5, &[MUG_COLOURS]),
    fam("Stoneware Mug 15 oz", DRINKWARE, 420.0, [130.0, 95.0, 110.0], 2200, Us, 3, &[MUG_COLOURS]),
    fam("Printed Mug 11 oz", DRINKWARE, 345.0, [120.0, 90.0, 95.0], 1600, Us, 4, &[&[
        o("But First Coffee"), o("World's Okayest Boss"), o("Cat Nap"), o("Mountains"), o("Retro Sunset"),
        o("Book Club"), o("Plant Mom"), o("Dog Dad"), o("Bonjour"), o("Καλημέρα"), o("Доброе утро"),
    ]]),
    fam("Enamel Camp Mug", DRINKWARE, 160.0, [120.0, 90.0, 80.0], 1600, Ean("50"), 2, &[&[o("White"), o("Green"), o("Red")]]),
    fam("Insulated Tumbler 20 oz", DRINKWARE, 380.0, [95.0, 95.0, 200.0], 2800, Ean("69"), 3, &[&[o("Black"), o("Sand"), o("Teal"), o("Lilac")]]),
    fam("Stainless Water Bottle 750 ml", DRINKWARE, 350.0, [75.0, 75.0, 270.0], 3200, Ean("69"), 4, &[&[o("Black"), o("White"), o("Olive"), o("Coral")]]),
    fam("Travel Mug 12 oz", DRINKWARE, 290.0, [90.0, 90.0, 180.0], 2400, Ean("69"), 2, &[&[o("Black"), o("Cream")]]),
    fam("Espresso Cup Set of 2", DRINKWARE, 260.0, [160.0, 90.0, 70.0], 2200, Ean("80"), 1, &[BLACK_WHITE]),
    fam("Latte Glass Set of 4", DRINKWARE, 900.0, [200.0, 200.0, 130.0], 3400, Ean("40"), 1, &[]),
    fam("Glass Cold Brew Bottle 1 l", DRINKWARE, 0.0, NO_DIMS, 3900, Ean("45"), 2, &[]),
    fam("Tea Infuser Mug", DRINKWARE, 410.0, [130.0, 100.0, 120.0], 2600, Ean("69"), 1, &[]),
    fam("Κούπα Ελιά Olive Mug", DRINKWARE, 330.0, [120.0, 90.0, 95.0], 1900, Ean("520"), 1, &[]),
    fam("Кружка Матрёшка Mug", DRINKWARE, 350.0, [120.0, 90.0, 95.0], 1900, Ean("460"), 1, &[]),
    // Stationery.
    fam("Dot Grid Notebook A5", STATIONERY, 320.0, [215.0, 150.0, 15.0], 1800, Ean("40"), 4, &[&[o("Black"), o("Sage"), o("Blush"), o("Navy")]]),
    fam("Pocket Notebook 3-Pack", STATIONERY, 150.0, [140.0, 90.0, 12.0], 1200, Us, 3, &[&[o("Kraft"), o("Black")]]),
    fam("Undated Weekly Planner", STATIONERY, 420.0, [215.0, 150.0, 20.0], 2600, Ean("40"), 3, &[&[o("Linen"), o("Black")]]),
    fam("Gel Pen Set", STATIONERY, 70.0, [160.0, 60.0, 15.0], 1400, Ean("45"), 3, &[&[o("Black"), o("Assorted")]]),
    fam("Sticker Sheet", STATIONERY, 8.0, [150.0, 100.0, 1.0], 500, Us, 4, &[&[o("Mushrooms"), o("Space"), o("Cats"), o("Botanicals"), o("Ocean")]]),
    fam("Vinyl Sticker", STATIONERY, 4.5, [80.0, 80.0, 1.0], 400, Us, 5, &[&[
        o("Coffee"), o("Mountains"), o("Cat Nap"), o("Book Club"), o("Cactus"), o("Moon"), o("Fox"),
        o("Wave"), o("Rainbow"), o("Avocado"), o("Bee"), o("Sunflower"), o("Ghost"), o("Pizza"),
    ]]),
    fam("Enamel Pin", STATIONERY, 12.0, [90.0, 60.0, 8.0], 1200, Us, 4, &[&[
        o("Fox"), o("Cactus"), o("Coffee Cup"), o("Moon"), o("Cat"), o("Mountain"), o("Bee"),
        o("Mushroom"), o("Book"), o("Wave"),
    ]]),
    fam("Art Print", STATIONERY, 60.0, [320.0, 240.0, 5.0], 2200, Us, 3, &[
        &[o("Harbour"), o("Forest"), o("City at Night"), o("Wildflowers")],
        &[ow("A4", 1.0, 0), ow("A3", 1.8, 1000)],
    ]),
    fam("Postcard Set of 10", STATIONERY, 70.0, [155.0, 110.0, 10.0], 1200, Us, 2, &[&[o("Cities"), o("Botanicals")]]),
    fam("Greeting Card", STATIONERY, 30.0, [180.0, 130.0, 5.0], 550, Us, 3, &[&[
        o("Birthday"), o("Thank You"), o("Congratulations"), o("Sympathy"), o("Blank"), o("New Baby"),
        o("Wedding"), o("Get Well"),
    ]]),
    fam("Washi Tape 3-Pack", STATIONERY, 40.0, [100.0, 50.0, 50.0], 900, Ean("45"), 2, &[&[o("Pastel"), o("Earth")]]),
    fam("Leather Bookmark", STATIONERY, 10.0, [180.0, 40.0, 3.0], 800, Ean("80"), 1, &[&[o("Tan"), o("Brown")]]),
    fam("Pencil Case", STATIONERY, 90.0, [220.0, 90.0, 40.0], 1400, Us, 1, &[&[o("Canvas"), o("Denim")]]),
    // Electronics accessories: small, light, and many near-identical SKUs.
    fam("USB-C to USB-C Cable", ELECTRONICS, 40.0, [120.0, 100.0, 20.0], 1400, Ean("69"), 5, &[
        &[ow("0.5 m", 0.7, -200), ow("1 m", 1.0, 0), ow("2 m", 1.5, 400)],
        BLACK_WHITE,
    ]),
    fam("USB-C to Lightning Cable", ELECTRONICS, 45.0, [120.0, 100.0, 20.0], 1900, Ean("69"), 4, &[&[ow("1 m", 1.0, 0), ow("2 m", 1.5, 400)]]),
    fam("USB-A to USB-C Cable", ELECTRONICS, 40.0, [120.0, 100.0, 20.0], 1200, Ean("69"), 3, &[&[ow("1 m", 1.0, 0), ow("2 m", 1.5, 300)]]),
    fam("Braided USB-C Cable 3 m", ELECTRONICS, 95.0, [130.0, 110.0, 30.0], 2200, Ean("69"), 2, &[]),
    fam("20 W USB-C Charger", ELECTRONICS, 60.0, [90.0, 60.0, 40.0], 1900, Ean("69"), 4, &[PLUGS]),
    fam("65 W GaN Charger", ELECTRONICS, 120.0, [100.0, 70.0, 45.0], 4500, Ean("69"), 3, &[PLUGS]),
    fam("Wireless Charging Pad", ELECTRONICS, 140.0, [120.0, 120.0, 30.0], 2900, Ean("69"), 2, &[BLACK_WHITE]),
    fam("Power Bank 10000 mAh", ELECTRONICS, 210.0, [150.0, 80.0, 30.0], 3500, Ean("69"), 3, &[BLACK_WHITE]),
    fam("Power Bank 20000 mAh", ELECTRONICS, 360.0, [170.0, 90.0, 35.0], 4900, Ean("69"), 2, &[]),
    fam("Silicone Phone Case", ELECTRONICS, 35.0, [180.0, 100.0, 20.0], 2400, Ean("69"), 4, &[PHONES, &[o("Black"), o("Sand"), o("Sage")]]),
    fam("Clear Phone Case", ELECTRONICS, 30.0, [180.0, 100.0, 20.0], 1900, Ean("69"), 3, &[PHONES]),
    fam("Tempered Glass Screen Protector 2-Pack", ELECTRONICS, 40.0, [190.0, 110.0, 10.0], 1500, Ean("69"), 3, &[PHONES]),
    fam("Wireless Earbuds", ELECTRONICS, 90.0, [110.0, 90.0, 45.0], 5900, Ean("69"), 3, &[BLACK_WHITE]),
    fam("Over-Ear Headphones", ELECTRONICS, 380.0, [220.0, 190.0, 90.0], 8900, Ean("69"), 2, &[&[o("Black"), o("Cream")]]),
    fam("Mini Bluetooth Speaker", ELECTRONICS, 300.0, [110.0, 110.0, 80.0], 3900, Ean("69"), 2, &[&[o("Black"), o("Blue"), o("Red")]]),
    fam("Felt Laptop Sleeve", ELECTRONICS, 260.0, [360.0, 260.0, 20.0], 3200, Ean("40"), 2, &[
        &[ow("13 in", 1.0, 0), ow("15 in", 1.2, 400)],
        &[o("Grey"), o("Black")],
    ]),
    fam("Cable Organizer Pouch", ELECTRONICS, 120.0, [240.0, 150.0, 60.0], 1800, Ean("69"), 1, &[]),
    fam("Magnetic Car Mount", ELECTRONICS, 110.0, [100.0, 80.0, 60.0], 2200, Ean("69"), 1, &[]),
    fam("HDMI Cable 2 m", ELECTRONICS, 110.0, [150.0, 120.0, 30.0], 1300, Ean("69"), 1, &[]),
    fam("USB-C Hub 6-in-1", ELECTRONICS, 0.0, [140.0, 80.0, 25.0], 4900, Ean("69"), 2, &[]),
    fam("Wireless Mouse", ELECTRONICS, 95.0, [130.0, 80.0, 50.0], 2500, Ean("69"), 2, &[BLACK_WHITE]),
    fam("Aluminium Phone Stand", ELECTRONICS, 150.0, [120.0, 80.0, 40.0], 1900, Ean("69"), 2, &[&[o("Silver"), o("Space Grey")]]),
    fam("AA Rechargeable Batteries 4-Pack", ELECTRONICS, 110.0, [110.0, 80.0, 20.0], 1600, Ean("45"), 2, &[]),
    // Cosmetics and personal care: small jars and bars, a few glass bottles.
    fam("Cold Process Soap Bar", COSMETICS, 120.0, [90.0, 60.0, 30.0], 800, Us, 5, &[&[
        o("Lavender"), o("Oatmeal & Honey"), o("Cedarwood"), o("Charcoal"), o("Eucalyptus"),
        o("Rose Geranium"), o("Citrus"), o("Unscented"), o("Lemongrass"), o("Patchouli"),
    ]]),
    fam("Lip Balm", COSMETICS, 12.0, [70.0, 20.0, 20.0], 450, Us, 5, &[&[
        o("Vanilla"), o("Peppermint"), o("Crème Brûlée"), o("Unscented"), o("Cherry"), o("Honey"), o("Grapefruit"),
    ]]),
    fam("Hand Cream 75 ml", COSMETICS, 95.0, [130.0, 50.0, 35.0], 1400, Ean("34"), 3, &[&[o("Lavender"), o("Shea"), o("Fig")]]),
    fam("Body Lotion 250 ml", COSMETICS, 290.0, [180.0, 65.0, 45.0], 2200, Ean("34"), 2, &[&[o("Lavender"), o("Shea"), o("Coconut")]]),
    fam("Shampoo Bar", COSMETICS, 85.0, [75.0, 75.0, 30.0], 1300, Ean("50"), 3, &[&[o("Rosemary Mint"), o("Argan")]]),
    fam("Conditioner Bar", COSMETICS, 80.0, [75.0, 75.0, 30.0], 1300, Ean("50"), 2, &[]),
    fam("Face Serum 30 ml", COSMETICS, 85.0, [110.0, 40.0, 40.0], 2800, Ean("84"), 3, &[&[o("Vitamin C"), o("Hyaluronic"), o("Niacinamide")]]),
    fam("Sheet Mask 5-Pack", COSMETICS, 130.0, [200.0, 130.0, 15.0], 1500, Ean("88"), 2, &[&[o("Hydrating"), o("Brightening")]]),
    fam("Bath Bomb", COSMETICS, 160.0, [75.0, 75.0, 75.0], 700, Us, 3, &[&[
        o("Lavender"), o("Rose"), o("Eucalyptus"), o("Citrus"), o("Cherry Blossom"), o("Oat Milk"),
    ]]),
    fam("Beard Oil 30 ml", COSMETICS, 90.0, [100.0, 40.0, 40.0], 1800, Us, 2, &[&[o("Cedar"), o("Sandalwood")]]),
    fam("Natural Deodorant", COSMETICS, 80.0, [90.0, 45.0, 30.0], 1200, Us, 3, &[&[o("Unscented"), o("Bergamot"), o("Vetiver")]]),
    fam("Mineral Sunscreen SPF 50 100 ml", COSMETICS, 130.0, [150.0, 50.0, 35.0], 1900, Ean("76"), 2, &[]),
    fam("Nail Polish", COSMETICS, 55.0, [60.0, 40.0, 40.0], 1000, Ean("34"), 3, &[&[
        o("Ruby"), o("Nude"), o("Midnight"), o("Coral"), o("Lilac"), o("Olive"), o("Rosé"), o("Cobalt"),
        o("Sand"), o("Plum"),
    ]]),
    fam("Bamboo Toothbrush 4-Pack", COSMETICS, 70.0, [200.0, 80.0, 20.0], 1000, Ean("69"), 3, &[&[o("Adult"), o("Kids")]]),
    fam("Savon de Marseille Olive Soap", COSMETICS, 310.0, [85.0, 85.0, 50.0], 900, Ean("34"), 2, &[]),
    fam("Σαπούνι Ελαιολάδου Olive Oil Soap", COSMETICS, 130.0, [85.0, 60.0, 30.0], 700, Ean("520"), 1, &[]),
    fam("Дегтярное мыло Birch Tar Soap", COSMETICS, 140.0, [85.0, 60.0, 30.0], 700, Ean("460"), 1, &[]),
    fam("Dry Shampoo 200 ml", COSMETICS, 180.0, [170.0, 50.0, 50.0], 1400, Ean("50"), 1, &[]),
    fam("Makeup Brush Set", COSMETICS, 160.0, [200.0, 90.0, 40.0], 2400, Ean("69"), 1, &[]),
    fam("Jade Facial Roller", COSMETICS, 0.0, NO_DIMS, 2200, Ean("69"), 2, &[]),
    fam("Perfume Oil 10 ml", COSMETICS, 45.0, [90.0, 30.0, 30.0], 2800, Us, 2, &[&[o("Amber"), o("Neroli"), o("Oud"), o("Fig Leaf")]]),
    // Home.
    fam("Soy Candle", HOME, 380.0, [90.0, 90.0, 100.0], 2400, Us, 4, &[
        CANDLE_SCENTS,
        &[ow("8 oz", 1.0, 0), ow("14 oz", 1.6, 1000)],
    ]),
    fam("Beeswax Taper Candles Pair", HOME, 160.0, [260.0, 50.0, 25.0], 1400, Us, 1, &[&[o("Natural"), o("White")]]),
    fam("Linen Tea Towel", HOME, 80.0, [250.0, 180.0, 10.0], 1600, Ean("47"), 3, &[&[o("Natural"), o("Striped Blue"), o("Mustard")]]),
    fam("Cork Coaster Set of 4", HOME, 90.0, [110.0, 110.0, 30.0], 1200, Ean("56"), 2, &[]),
    fam("Ceramic Planter Small", HOME, 650.0, [140.0, 140.0, 130.0], 2200, Us, 2, &[&[o("White"), o("Terracotta")]]),
    fam("Macramé Plant Hanger", HOME, 0.0, NO_DIMS, 1800, Us, 2, &[]),
    fam("Throw Pillow Cover 18 in", HOME, 200.0, [300.0, 250.0, 20.0], 2400, Ean("89"), 2, &[&[o("Oatmeal"), o("Rust"), o("Sage")]]),
    fam("Wool Throw Blanket", HOME, 1100.0, [400.0, 300.0, 120.0], 8900, Ean("50"), 1, &[&[o("Grey"), o("Mustard")]]),
    fam("Incense Sticks", HOME, 40.0, [230.0, 40.0, 20.0], 800, Ean("89"), 2, &[&[o("Sandalwood"), o("Nag Champa"), o("Palo Santo")]]),
    fam("Reed Diffuser 100 ml", HOME, 310.0, [80.0, 80.0, 250.0], 2800, Ean("80"), 2, &[&[o("Fig"), o("Linen")]]),
    fam("Bamboo Cutting Board", HOME, 700.0, [380.0, 250.0, 20.0], 2400, Ean("69"), 1, &[&[ow("Small", 0.6, -800), ow("Large", 1.0, 0)]]),
    fam("Olive Wood Spoon Set", HOME, 150.0, [300.0, 80.0, 30.0], 2600, Ean("61"), 1, &[]),
    fam("Photo Frame 5×7", HOME, 420.0, [230.0, 180.0, 30.0], 1900, Ean("69"), 1, &[&[o("Black"), o("Oak")]]),
    fam("Coir Doormat Hello", HOME, 1400.0, [600.0, 400.0, 20.0], 3200, Ean("89"), 1, &[]),
    // Pantry.
    fam("Loose Leaf Tea 100 g", PANTRY, 130.0, [110.0, 70.0, 70.0], 1200, Ean("50"), 4, &[&[
        o("English Breakfast"), o("Earl Grey"), o("Sencha"), o("Chamomile"), o("Rooibos"), o("Peppermint"),
        o("Masala Chai"), o("Jasmine"), o("Darjeeling"), o("Lapsang Souchong"),
    ]]),
    fam("Whole Bean Coffee 340 g", PANTRY, 370.0, [200.0, 120.0, 70.0], 1700, Us, 5, &[&[
        o("Colombia"), o("Ethiopia Yirgacheffe"), o("Sumatra"), o("Espresso Blend"), o("Decaf"),
    ]]),
    fam("Raw Honey 250 g", PANTRY, 360.0, [75.0, 75.0, 90.0], 1300, Us, 2, &[&[o("Wildflower"), o("Clover")]]),
    fam("Θυμαρίσιο Μέλι Thyme Honey 450 g", PANTRY, 560.0, [85.0, 85.0, 110.0], 1900, Ean("520"), 2, &[]),
    fam("Гречишный мёд Buckwheat Honey 400 g", PANTRY, 520.0, [85.0, 85.0, 105.0], 1700, Ean("380"), 1, &[]),
    fam("Dark Chocolate Bar 85 %", PANTRY, 110.0, [160.0, 80.0, 10.0], 500, Ean("76"), 3, &[&[o("Plain"), o("Sea Salt"), o("Orange")]]),
    fam("Hot Sauce 150 ml", PANTRY, 320.0, [50.0, 50.0, 180.0], 1100, Us, 3, &[&[o("Habanero"), o("Chipotle"), o("Verde"), o("Ghost Pepper")]]),
    fam("Maple Syrup 250 ml", PANTRY, 420.0, [70.0, 70.0, 190.0], 1600, Us, 2, &[]),
    // Toys and games.
    fam("Jigsaw Puzzle 1000 pc", TOYS, 650.0, [270.0, 200.0, 55.0], 2400, Ean("40"), 3, &[&[
        o("Lighthouse"), o("Botanical Garden"), o("Tokyo Streets"), o("Alpine Lake"), o("Vintage Maps"),
    ]]),
    fam("Jigsaw Puzzle 500 pc", TOYS, 420.0, [230.0, 160.0, 50.0], 1800, Ean("40"), 2, &[&[o("Cats"), o("Bookshelf")]]),
    fam("Card Game", TOYS, 240.0, [130.0, 95.0, 40.0], 1900, Us, 3, &[&[o("Fox & Hound"), o("Spice Market")]]),
    fam("Wooden Yo-Yo", TOYS, 60.0, [70.0, 70.0, 40.0], 700, Ean("40"), 1, &[&[o("Red"), o("Blue")]]),
    fam("Plush Fox", TOYS, 180.0, [250.0, 150.0, 120.0], 1900, Ean("69"), 2, &[&[ow("Small", 0.6, -600), ow("Large", 1.0, 0)]]),
    fam("Plush Octopus", TOYS, 0.0, [200.0, 200.0, 100.0], 1700, Ean("69"), 2, &[]),
    fam("Playing Cards", TOYS, 110.0, [95.0, 65.0, 20.0], 900, Us, 2, &[&[o("Classic"), o("Botanical")]]),
    fam("Diamond Kite", TOYS, 210.0, NO_DIMS, 2400, Ean("69"), 1, &[]),
    fam("Матрёшка Nesting Dolls 5 pc", TOYS, 260.0, [180.0, 90.0, 90.0], 2900, Ean("460"), 1, &[]),
    fam("Polyhedral Dice Set", TOYS, 80.0, [100.0, 60.0, 30.0], 1200, Ean("69"), 2, &[&[o("Marble"), o("Metal")]]),
    fam("Wooden Train Set", TOYS, 1800.0, [450.0, 300.0, 90.0], 4900, Ean("40"), 1, &[]),
    fam("Crayons 24-Pack", TOYS, 150.0, [130.0, 100.0, 20.0], 600, Us, 1, &[]),
    fam("Travel Chess Set", TOYS, 350.0, [200.0, 110.0, 40.0], 2200, Ean("69"), 1, &[]),
];

/// Books: title, weight in grams, price in cents. Classics and handbooks, a few in their
/// original script.
static BOOK_TITLES: &[(&str, f64, i64)] = &[
    ("Pride and Prejudice – Clothbound Classics", 520.0, 1800),
    ("Moby-Dick; or, The Whale", 690.0, 1600),
    ("Les Misérables (French edition)", 980.0, 2400),
    ("Анна Каренина (Russian edition)", 870.0, 2200),
    ("Η Οδύσσεια – Ομήρου (Greek edition)", 540.0, 1900),
    ("Don Quijote de la Mancha", 910.0, 2300),
    ("Die Verwandlung (German edition)", 180.0, 900),
    ("Преступление и наказание (Russian edition)", 760.0, 2100),
    ("Frankenstein", 310.0, 1200),
    ("Dracula", 420.0, 1300),
    ("The Count of Monte Cristo", 1100.0, 2600),
    ("Jane Eyre", 480.0, 1400),
    ("Wuthering Heights", 380.0, 1200),
    ("Little Women", 520.0, 1400),
    ("The Great Gatsby", 240.0, 1100),
    ("Alice's Adventures in Wonderland – Illustrated", 450.0, 1900),
    ("Treasure Island", 300.0, 1100),
    ("The Art of War", 160.0, 900),
    ("Meditations", 220.0, 1200),
    ("Walden", 330.0, 1300),
    ("Madame Bovary", 400.0, 1400),
    ("Sourdough at Home", 780.0, 2800),
    ("The Houseplant Year", 640.0, 2400),
    ("Pocket Guide to Garden Birds", 210.0, 1200),
    ("Knots for Sailors and Climbers", 260.0, 1400),
    ("Weeknight Noodles", 720.0, 2600),
    ("Small Space Gardening", 590.0, 2200),
    ("The Beginner's Guide to Watercolour", 560.0, 2000),
    ("Μικρός Ναυτίλος Stories for Children", 350.0, 1500),
    ("The Little Book of Hygge Crafts", 300.0, 1300),
    ("Astronomy for Curious Kids", 480.0, 1700),
    ("Cocktails of the Café Era", 430.0, 2200),
    ("Grimms' Fairy Tales – Illustrated", 820.0, 2400),
    ("Κ. Π. Καβάφης – Ποιήματα (Greek edition)", 290.0, 1600),
];

/// A product as the demo creates it.
pub(super) struct Item {
    pub sku: String,
    pub name: String,
    pub category: &'static str,
    pub grams: Option<f64>,
    pub dims: Option<Dimensions>,
    pub price_cents: i64,
    pub barcodes: Vec<String>,
    /// The family's appeal, 1 to 5.
    pub appeal: u32,
    /// Which supplier delivers it: items of one family arrive on the same purchase order.
    pub supplier: usize,
    /// Heavy or large goods are stocked in smaller numbers.
    pub bulky: bool,
    /// Items this light are bought several at a time.
    pub small: bool,
}

/// The first SKU number; SKUs run on from here in catalogue order.
const FIRST_SKU: u32 = 10001;

/// Builds the whole catalogue in a fixed order. Every barcode is derived from the item's
/// position, so barcodes are unique and the same on every run.
pub(super) fn catalogue(rng: &mut Rng) -> Vec<Item> {
    let mut items = Vec::new();
    for (supplier, family) in FAMILIES.iter().enumerate() {
        for choice in variants(family.axes) {
            let labels: Vec<&str> = choice.iter().map(|o| o.label).collect();
            let name = if labels.is_empty() {
                family.name.to_owned()
            } else {
                format!("{} – {}", family.name, labels.join(", "))
            };
            let factor: f64 = choice.iter().map(|o| o.weight).product();
            let price = family.price + choice.iter().map(|o| o.price).sum::<i64>();
            let grams = (family.grams > 0.0).then(|| round_grams(family.grams * factor));
            let spec = Spec {
                category: family.category,
                grams,
                dims: family.dims,
                price,
                origin: family.origin,
                appeal: family.appeal,
                supplier,
            };
            push(&mut items, rng, name, spec);
        }
    }
    for &(title, grams, price) in BOOK_TITLES {
        let thickness = (grams / 18.0).round().max(8.0);
        let dims = [198.0, 129.0, thickness];
        let spec = Spec {
            category: BOOKS,
            grams: Some(grams),
            dims,
            price,
            origin: Origin::Book,
            appeal: 2,
            supplier: FAMILIES.len(),
        };
        push(&mut items, rng, title.to_owned(), spec);
    }
    items
}

/// What an item inherits from its family.
struct Spec {
    category: &'static str,
    grams: Option<f64>,
    dims: [f64; 3],
    price: i64,
    origin: Origin,
    appeal: u32,
    supplier: usize,
}

fn push(items: &mut Vec<Item>, rng: &mut Rng, name: String, spec: Spec) {
    let Spec { category, grams, dims, price: price_cents, origin, appeal, supplier } = spec;
    let n = items.len() as u32 + 1;
    let sku_number = FIRST_SKU + n - 1;
    let mut barcodes = vec![retail_barcode(origin, n)];
    // Goods relabelled in the warehouse carry the warehouse's own label as well; a few others
    // changed supplier and still turn up with the old packaging's UPC.
    if rng.chance(0.12) {
        barcodes.push(format!("BRL-{sku_number}"));
    }
    if rng.chance(0.025) {
        barcodes.push(backroom_core::barcode::with_check_digit(&format!("07{n:09}")));
    }
    let dims =
        (dims[0] > 0.0).then_some(Dimensions { length: dims[0], width: dims[1], height: dims[2] });
    let volume_l = dims.map_or(0.0, |d| d.length * d.width * d.height / 1e6);
    items.push(Item {
        sku: format!("BR-{sku_number}"),
        name,
        category,
        grams,
        dims,
        price_cents,
        barcodes,
        appeal,
        supplier,
        bulky: grams.unwrap_or(0.0) >= 900.0 || volume_l >= 4.0,
        small: grams.is_some_and(|g| g < 35.0),
    });
}

/// The retail barcode of the `n`th item: a GS1 prefix, a company number and the item number,
/// with its check digit.
fn retail_barcode(origin: Origin, n: u32) -> String {
    let body = match origin {
        Origin::Us => format!("8{:05}{n:05}", 41_200),
        Origin::Book => format!("978{:04}{n:05}", 1_842),
        Origin::Ean(prefix) => {
            let company_digits = 12 - prefix.len() - 5;
            format!("{prefix}{:0width$}{n:05}", 7, width = company_digits)
        }
    };
    backroom_core::barcode::with_check_digit(&body)
}

/// Weights as a scale would show them: whole grams, half grams below 20 g.
fn round_grams(g: f64) -> f64 {
    if g < 20.0 { (g * 2.0).round() / 2.0 } else { g.round() }
}

/// Every combination of one option per axis, first axis slowest.
fn variants(axes: &'static [&'static [Opt]]) -> Vec<Vec<&'static Opt>> {
    let mut out: Vec<Vec<&Opt>> = vec![Vec::new()];
    for axis in axes {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                axis.iter().map(move |opt| {
                    let mut next = prefix.clone();
                    next.push(opt);
                    next
                })
            })
            .collect();
    }
    out
}

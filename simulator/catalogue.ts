/**
 * The simulated category tree and what sells in each category: hand-written data only, turned into
 * the indexed tree by categories.ts.
 *
 * Ids: 100 Coches, 14000 Motos, 12800 Motor y accesorios, 24200 Tecnología y electrónica and 10304
 * Componentes de ordenador are Wallapop's real ids (confirmed by more than one client). The other
 * roots carry ids Wallapop used at some point; every other node gets a generated id. Names are
 * real-looking Spanish, not a copy of Wallapop's tree.
 *
 * A product is `[title template, median price in €, relative weight]` (see templates.ts for the
 * template syntax); prices are log-normal around the median with the root's (or node's) sigma.
 * Nodes that list products receive listings; `weight` scales a node's share within its root.
 */

export type ProductSpec = readonly [title: string, medianEur: number, weight?: number];

export interface NodeSpec {
  id?: number;
  name: string;
  weight?: number;
  sigma?: number;
  products?: readonly ProductSpec[];
  children?: readonly NodeSpec[];
}

/** Which description phrases suit a root's listings (see text.ts). */
export type DescriptionFamily =
  | 'tech'
  | 'vehicle'
  | 'parts'
  | 'fashion'
  | 'home'
  | 'appliance'
  | 'sport'
  | 'bike'
  | 'media'
  | 'kids'
  | 'collectible'
  | 'tools'
  | 'realEstate'
  | 'job'
  | 'service'
  | 'other';

export interface RootSpec extends NodeSpec {
  id: number;
  verticalId: string;
  icon: string;
  /** Share of all listings (relative to the other roots). */
  share: number;
  /** Probability that a listing here can be shipped. */
  shippable: number;
  sigma: number;
  family: DescriptionFamily;
}

const leaf = (name: string, products: readonly ProductSpec[], extra: Omit<NodeSpec, 'name' | 'products'> = {}): NodeSpec => ({
  name,
  products,
  ...extra,
});
const branch = (name: string, children: readonly NodeSpec[], extra: Omit<NodeSpec, 'name' | 'children'> = {}): NodeSpec => ({
  name,
  children,
  ...extra,
});

const CAR_YEARS = '{2008|2011|2013|2014|2015|2016|2017|2018|2019|2020|2021|2022|2023}';
/** A car brand with one category per model, as buyers browse cars. */
const car = (brand: string, models: string, engines: string, median: number): NodeSpec =>
  branch(
    brand,
    models.split('|').map((model) => leaf(model, [[`${brand} ${model} {${engines}} ${CAR_YEARS}`, median]])),
  );

const cars: RootSpec = {
  id: 100,
  name: 'Coches',
  verticalId: 'cars',
  icon: 'car',
  share: 3,
  shippable: 0,
  sigma: 0.55,
  family: 'vehicle',
  children: [
    car('Seat', 'Ibiza|León|Arona|Ateca|Altea|Toledo|Tarraco', '1.0 TSI|1.6 TDI|2.0 TDI|1.5 TSI FR|1.2 TSI', 11_000),
    car('Volkswagen', 'Golf|Polo|Passat|Tiguan|T-Roc|Touran|Golf GTI', '1.6 TDI|2.0 TDI|1.0 TSI|1.5 TSI', 14_000),
    car('Renault', 'Clio|Mégane|Captur|Kadjar|Scénic|Twingo', '1.5 dCi|0.9 TCe|1.3 TCe|E-Tech híbrido', 9_500),
    car('Peugeot', '208|308|2008|3008|5008|207', '1.2 PureTech|1.6 BlueHDi|1.5 BlueHDi', 11_000),
    car('Citroën', 'C3|C4|C4 Picasso|C5 Aircross|Berlingo|Xsara Picasso', '1.2 PureTech|1.6 HDi|1.5 BlueHDi', 8_500),
    car('Ford', 'Focus|Fiesta|Kuga|Puma|Mondeo|C-Max', '1.0 EcoBoost|1.5 TDCi|2.0 TDCi', 10_000),
    car('Opel', 'Corsa|Astra|Insignia|Mokka|Zafira|Crossland', '1.2|1.4 Turbo|1.6 CDTI', 8_500),
    car('Toyota', 'Corolla|Yaris|C-HR|RAV4|Auris|Prius', 'Hybrid|1.8 HSD|2.0 D-4D', 15_000),
    car('BMW', 'Serie 1|Serie 3|Serie 5|X1|X3|X5', '118d|320d|520d|xDrive|M Sport', 19_000),
    car('Audi', 'A1|A3|A4|A6|Q3|Q5', '1.6 TDI|2.0 TDI|35 TFSI|quattro', 18_000),
    car('Mercedes-Benz', 'Clase A|Clase C|Clase E|GLA|CLA|Vito', '180d|200d|220 CDI|AMG Line', 20_000),
    car('Kia', 'Ceed|Sportage|Niro|Picanto|Stonic|Rio', '1.6 CRDi|1.0 T-GDi|híbrido', 13_000),
    car('Hyundai', 'i30|Tucson|i20|Kona|i10|Santa Fe', '1.6 CRDi|1.0 TGDi|eléctrico', 13_000),
    car('Nissan', 'Qashqai|Juke|Micra|X-Trail|Leaf|Navara', '1.5 dCi|1.2 DIG-T|1.3 DIG-T', 12_000),
    car('Dacia', 'Sandero|Duster|Logan|Jogger|Spring', '1.0 TCe|1.5 dCi|GLP', 9_000),
    car('Fiat', '500|Panda|Tipo|500X|Punto|Doblò', '1.2|1.3 Multijet|1.0 Hybrid', 7_500),
    car('Tesla', 'Model 3|Model Y|Model S', 'Gran Autonomía|Standard Plus|Performance', 32_000),
    leaf('Furgonetas', [
      ['{Renault Kangoo|Citroën Berlingo|Peugeot Partner|Ford Transit|Mercedes Vito|Volkswagen Transporter|Fiat Ducato|Opel Vivaro} {1.5 dCi|2.0 TDI|1.6 HDi|camperizada|isotermo|9 plazas} ' + CAR_YEARS, 10_500],
    ]),
    leaf('Coches clásicos', [
      ['{Seat 600|Seat 124|Seat 127|Renault 5|Citroën 2CV|Volkswagen Escarabajo|Mercedes 190E|Renault 4L|Mini Cooper clásico} {restaurado|original|para restaurar|con papeles en regla}', 6_000],
    ], { sigma: 0.8 }),
  ],
};

const motorbikes: RootSpec = {
  id: 14000,
  name: 'Motos',
  verticalId: 'consumer_goods',
  icon: 'motorbike',
  share: 1.5,
  shippable: 0,
  sigma: 0.5,
  family: 'vehicle',
  children: [
    leaf('Motos de carretera', [
      ['{Yamaha MT-07|Yamaha MT-09|Kawasaki Z900|Kawasaki Z650|Honda CB500F|Honda CB650R|BMW R 1250 GS|BMW F 900 R|Ducati Monster|Suzuki GSX-S750|KTM 390 Duke|Triumph Street Triple|Honda Africa Twin} ' + CAR_YEARS + '{| A2| limitable A2| con maletas}', 6_500],
    ], { weight: 3 }),
    leaf('Scooters', [
      ['{Honda PCX 125|Yamaha NMAX 125|Piaggio Liberty 125|Vespa Primavera 125|Kymco Agility 125|SYM Symphony 125|Yamaha TMAX 530|Honda SH 125|Piaggio Beverly 300} ' + CAR_YEARS, 2_200],
    ], { weight: 3 }),
    leaf('Motos de campo y enduro', [
      ['{KTM EXC 300|Honda CRF 250|Yamaha WR 450F|Beta RR 300|Sherco 300 SE|Husqvarna TE 250|Gas Gas EC 250} {matriculada|de competición} ' + CAR_YEARS, 4_000],
    ]),
    leaf('Ciclomotores', [['{Derbi Senda|Yamaha Aerox|Peugeot Speedfight|Piaggio Zip|Rieju MRT|Yamaha Jog} 49cc{| con papeles| para piezas}', 700]]),
    leaf('Motos clásicas', [['{Montesa Impala|Bultaco Sherpa|Vespa PX 200|Ossa 250|Sanglas 400|Lambretta LI 150} {restaurada|original|para restaurar}', 3_500]], { sigma: 0.7 }),
    leaf('Motos eléctricas', [['{Silence S01|NIU NQi GTS|Super Soco TC Max|Seat Mó eScooter 125|Askoll eS3} {batería extraíble|con cargador}', 2_500]]),
  ],
};

const motorParts: RootSpec = {
  id: 12800,
  name: 'Motor y accesorios',
  verticalId: 'consumer_goods',
  icon: 'motor',
  share: 5,
  shippable: 0.7,
  sigma: 0.7,
  family: 'parts',
  children: [
    branch('Recambios de coche', [
      leaf('Llantas y neumáticos', [
        ['Llantas {15|16|17|18|19}" {BMW|Audi|Volkswagen|Seat|Mercedes|originales|OZ Racing}{| con neumáticos}', 280],
        ['{4|2} neumáticos {Michelin|Continental|Bridgestone|Pirelli|Goodyear} {205/55 R16|225/45 R17|195/65 R15}', 110],
      ]),
      leaf('Faros y pilotos', [['{Faro delantero|Piloto trasero} {izquierdo|derecho} {Seat León|Golf VI|Renault Clio|Peugeot 308|BMW E90}', 60]]),
      leaf('Motor y transmisión', [['{Turbo|Alternador|Motor de arranque|Caja de cambios|Embrague} {1.9 TDI|2.0 TDI|1.5 dCi|1.6 HDi}', 180]]),
      leaf('Carrocería', [['{Capó|Paragolpes delantero|Puerta trasera|Retrovisor} {Seat Ibiza|Ford Focus|Opel Astra|Audi A3}', 90]]),
    ]),
    branch('Accesorios de coche', [
      leaf('Audio y multimedia', [['{Radio {2 DIN|Android} {7|9}"|Pantalla CarPlay|Altavoces Pioneer|Subwoofer JBL} para coche', 70]]),
      leaf('Portaequipajes y baca', [['{Portabicicletas Thule|Cofre de techo {Thule|Norauto} {400|480}L|Barras de techo}', 120]]),
      leaf('Sillas y fundas', [['Fundas de asiento {universales|a medida} {@colourF}', 25]]),
      leaf('Navegadores y cámaras', [['{Navegador GPS TomTom|Cámara de salpicadero {Xiaomi|Garmin}|Cámara de marcha atrás}', 40]]),
    ]),
    branch('Equipamiento de moto', [
      leaf('Cascos', [['Casco {integral|modular|jet} {AGV|Shoei|HJC|LS2|Shark|Arai|Nolan} talla {@size}', 120]], { weight: 2 }),
      leaf('Chaquetas y monos', [['{Chaqueta|Mono|Pantalón} de moto {Alpinestars|Dainese|Rev\'it|Spidi} talla {@size}', 110]]),
      leaf('Guantes y botas', [['{Guantes|Botas} de moto {Alpinestars|Dainese|Seventy} talla {{@size}|{@shoe}}', 35]]),
      leaf('Recambios de moto', [['{Escape Akrapovič|Escape Arrow|Maleta Givi|Baúl Shad|Kit de arrastre} para {Yamaha MT-07|Honda PCX|Kawasaki Z900|BMW GS}', 160]]),
    ]),
    leaf('Caravanas y autocaravanas', [['{Caravana|Autocaravana} {Adria|Hymer|Roller Team|Knaus|Benimar} {4|5|6} plazas ' + CAR_YEARS, 22_000]], { sigma: 0.6, weight: 0.3 }),
    leaf('Remolques', [['Remolque {pequeño|para moto|basculante} {500|750} kg', 700]], { weight: 0.4 }),
  ],
};

const phones = (model: string, capacities: string, colours: string, median: number, weight = 1): ProductSpec => [
  `${model} {${capacities}} {${colours}}{@phoneExtra}`,
  median,
  weight,
];

const technology: RootSpec = {
  id: 24200,
  name: 'Tecnología y electrónica',
  verticalId: 'consumer_goods',
  icon: 'technology',
  share: 20,
  shippable: 0.9,
  sigma: 0.35,
  family: 'tech',
  children: [
    branch('Móviles y telefonía', [
      branch('Smartphones', [
        branch('Apple', [
          leaf('iPhone 11', [phones('iPhone 11', '64GB|128GB|256GB', 'negro|blanco|rojo|verde|morado|amarillo', 210), phones('iPhone 11 Pro', '64GB|256GB', 'gris espacial|oro|plata|verde noche', 270)]),
          leaf('iPhone 12', [phones('iPhone 12', '64GB|128GB|256GB', 'negro|blanco|azul|verde|morado|rojo', 290), phones('iPhone 12 Pro', '128GB|256GB', 'grafito|plata|oro|azul pacífico', 380), phones('iPhone 12 mini', '64GB|128GB', 'negro|blanco|azul', 240)]),
          leaf('iPhone 13', [
            phones('iPhone 13', '128GB|256GB|512GB', 'azul|medianoche|blanco estrella|rosa|verde|rojo', 420, 3),
            phones('iPhone 13 Pro', '128GB|256GB|512GB|1TB', 'grafito|oro|plata|azul alpino|verde alpino', 540, 2),
            phones('iPhone 13 Pro Max', '128GB|256GB|512GB', 'grafito|oro|plata|azul alpino', 610),
            phones('iPhone 13 mini', '128GB|256GB', 'azul|medianoche|rosa|verde', 340),
          ], { weight: 1.5 }),
          leaf('iPhone 14', [phones('iPhone 14', '128GB|256GB', 'medianoche|azul|morado|amarillo|blanco estrella', 540), phones('iPhone 14 Pro', '128GB|256GB|512GB', 'morado oscuro|negro espacial|oro|plata', 720)]),
          leaf('iPhone 15', [phones('iPhone 15', '128GB|256GB', 'negro|azul|verde|rosa|amarillo', 680), phones('iPhone 15 Pro', '128GB|256GB|1TB', 'titanio natural|titanio azul|titanio negro', 900)]),
          leaf('Otros iPhone', [phones('iPhone {SE 2020|SE 2022|XR|X|XS|8|8 Plus|7}', '64GB|128GB|256GB', 'negro|blanco|rojo|oro', 130)]),
        ]),
        branch('Samsung', [
          leaf('Galaxy S', [phones('Samsung Galaxy S{20|21|22|23|24}{| FE| Plus| Ultra}', '128GB|256GB|512GB', 'negro|blanco|violeta|verde|crema|gris', 380)]),
          leaf('Galaxy A', [phones('Samsung Galaxy A{12|13|14|34|52|52s|53|54|55}{| 5G}', '64GB|128GB', 'negro|blanco|azul|lima', 150)]),
          leaf('Galaxy Z', [phones('Samsung Galaxy Z {Flip3|Flip4|Flip5|Fold3|Fold4|Fold5}', '128GB|256GB|512GB', 'negro|crema|lavanda|verde', 520)]),
        ]),
        leaf('Xiaomi', [phones('Xiaomi {Redmi Note 10|Redmi Note 11|Redmi Note 12|Redmi Note 13|Redmi 12|12T|13T|Poco X5|Poco F5}{| Pro}', '64GB|128GB|256GB', 'negro|azul|gris|verde', 150)]),
        leaf('Google Pixel', [phones('Google Pixel {6|6a|7|7a|7 Pro|8|8 Pro}', '128GB|256GB', 'obsidiana|porcelana|celeste', 320)]),
        leaf('Otras marcas', [phones('{OPPO Find X5|OPPO A78|Motorola Edge 30|Motorola G84|Huawei P30 Pro|Realme GT|OnePlus 9|OnePlus Nord 3|Honor 90}', '128GB|256GB', 'negro|azul|verde|plata', 170)]),
      ], { weight: 6 }),
      leaf('Móviles clásicos', [['{Nokia 3310|Motorola RAZR V3|Nokia 6310i|Sony Ericsson K800i|BlackBerry Bold 9900|Nokia N95} {funcionando|para coleccionistas|con cargador}', 40]], { sigma: 0.6 }),
      leaf('Accesorios de móvil', [
        ['Funda {iPhone 13|iPhone 14|iPhone 12|Samsung Galaxy S23|Xiaomi Redmi Note 12} {silicona|transparente|MagSafe|tipo libro|antigolpes}', 9, 2],
        ['{Cargador rápido {20W|25W|65W} USB-C|Power bank {10000|20000} mAh|Cargador MagSafe|Protector de pantalla cristal templado {iPhone 13|Galaxy S22}}', 14],
      ], { weight: 2, sigma: 0.5 }),
      leaf('Teléfonos fijos', [['{Teléfono inalámbrico {Panasonic|Gigaset|Motorola}|Teléfono vintage de disco|Teléfono fijo con contestador}', 18]], { weight: 0.3 }),
    ]),
    branch('Informática', [
      leaf('Portátiles', [
        ['Portátil {HP Pavilion|Lenovo IdeaPad|Lenovo ThinkPad|Asus VivoBook|Acer Aspire|Dell XPS|MSI Katana|HP Victus|Asus ROG} {15,6"|14"|17"} {i5|i7|Ryzen 5|Ryzen 7} {8GB|16GB|32GB} RAM {256GB|512GB|1TB} SSD', 450, 3],
        ['MacBook {Air M1|Air M2|Pro M1 14"|Pro M2 13"|Pro 2019 16"} {8GB|16GB} {256GB|512GB}', 750, 2],
      ], { weight: 3 }),
      leaf('Ordenadores de sobremesa', [
        ['PC gaming {Ryzen 5 5600X|i5-12400F|Ryzen 7 5800X3D|i7-12700K} + {RTX 3060|RTX 3070|RTX 4060 Ti|RTX 4070|RX 6700 XT} {16GB|32GB} RAM', 850],
        ['{iMac 24" M1|iMac 27" 2019|Mac mini M1|Mac mini M2|PC de oficina HP EliteDesk|Mini PC Intel NUC}', 450],
      ]),
      {
        id: 10304,
        name: 'Componentes de ordenador',
        weight: 4,
        children: [
          leaf('Tarjetas gráficas', [['Tarjeta gráfica {NVIDIA |}{RTX 3060|RTX 3060 Ti|RTX 3070|RTX 3080|RTX 4060|RTX 4070|GTX 1660 Super|GTX 1080 Ti} {8GB|12GB}{| MSI| Gigabyte| ASUS TUF| Zotac}', 280], ['Gráfica AMD {RX 580|RX 6600|RX 6700 XT|RX 6800|RX 7800 XT} {8GB|12GB|16GB}', 240]], { weight: 2 }),
          leaf('Procesadores', [['Procesador {Intel Core i5-12400F|Intel Core i7-10700K|Intel Core i9-12900K|AMD Ryzen 5 5600X|AMD Ryzen 7 5800X3D|AMD Ryzen 5 3600|AMD Ryzen 9 5900X}{| con disipador| en caja}', 140]]),
          leaf('Memoria RAM', [['Memoria RAM {DDR4|DDR5} {16GB (2x8GB)|32GB (2x16GB)|8GB|64GB (2x32GB)} {Corsair Vengeance|Kingston Fury|G.Skill Trident Z|Crucial Ballistix} {3200|3600|5600|6000} MHz', 55]]),
          leaf('Placas base', [['Placa base {ASUS|MSI|Gigabyte|ASRock} {B450|B550|X570|B660|Z690|B760|X670E}{| Tomahawk| Aorus Elite| TUF Gaming| Pro}', 95]]),
          leaf('Discos duros y SSD', [['{SSD|Disco SSD} {Samsung 970 EVO Plus|Samsung 980 Pro|Crucial P3|WD Black SN770|Kingston NV2} {500GB|1TB|2TB} NVMe', 55], ['Disco duro {Seagate Barracuda|WD Blue|Toshiba} {1TB|2TB|4TB} {3,5"|2,5"}', 35]]),
          leaf('Fuentes de alimentación', [['Fuente de alimentación {Corsair RM750x|Corsair CX650|EVGA 600 W1|MSI MAG A650BN|Seasonic Focus GX-750|Be Quiet! Pure Power 11} 80 Plus {Bronze|Gold}', 55]]),
          leaf('Cajas y refrigeración', [['{Caja ATX {NZXT H510|Corsair 4000D|Lian Li O11 Dynamic|Tempest Spectra}|Refrigeración líquida {Corsair H100i|NZXT Kraken|Arctic Liquid Freezer II}|Disipador {Noctua NH-D15|Cooler Master Hyper 212}}', 60]]),
        ],
      },
      leaf('Monitores', [['Monitor {Samsung|LG|BenQ|AOC|ASUS|Dell|MSI} {24|27|32|34}" {Full HD|QHD|4K|144Hz|165Hz|curvo}', 120]], { weight: 1.5 }),
      leaf('Teclados y ratones', [['{Teclado mecánico|Teclado inalámbrico|Ratón gaming|Ratón inalámbrico} {Logitech G Pro|Logitech MX Master 3|Razer DeathAdder|Corsair K70|Keychron K2|Apple Magic}', 35]]),
      leaf('Impresoras y escáneres', [['Impresora {multifunción|láser|de tinta|3D} {HP DeskJet|HP LaserJet|Canon Pixma|Epson EcoTank|Brother|Creality Ender 3}', 60]]),
      leaf('Redes y almacenamiento', [['{Router {TP-Link Archer|ASUS RT-AX55}|Repetidor WiFi TP-Link|NAS Synology {DS220+|DS918+}|Switch Gigabit 8 puertos}', 45]], { sigma: 0.7 }),
      leaf('Tablets', [['iPad {9ª generación|10ª generación|Air 4|Air 5|Pro 11"|mini 6} {64GB|256GB}{| WiFi| + Apple Pencil}', 330], ['{Samsung Galaxy Tab {S7|S8|S9|A8}|Lenovo Tab M10|Xiaomi Pad 6} {64GB|128GB}', 200]], { weight: 2 }),
      leaf('Libros electrónicos', [['{Kindle Paperwhite|Kindle Oasis|Kobo Clara|Kindle básico} {8GB|16GB}{| con funda}', 70]]),
    ], { id: 15000 }),
    branch('Consolas y videojuegos', [
      branch('Consolas', [
        leaf('PlayStation', [
          ['PlayStation 5 {digital|estándar|slim|con lector de discos}{| + 2 mandos| + mando DualSense| con 3 juegos| + FIFA 23| con caja}', 390, 3],
          ['PS5 {digital|estándar|slim|con lector}{| + 2 mandos| + juegos| seminueva| en garantía}', 380, 3],
          ['{PS4|PlayStation 4} {Slim|Pro|original} {500GB|1TB}{| + 2 mandos| con juegos}', 170, 3],
          ['{PlayStation 2|PS2 Slim|PlayStation 3|PS3 Super Slim|PSP 3000|PS Vita} {con juegos|con mando|funcionando}', 70, 2],
        ], { weight: 2 }),
        leaf('Xbox', [['Xbox {Series X|Series S|One S|One X|360} {512GB|1TB|500GB}{| + mando| con juegos| + Game Pass}', 260]]),
        leaf('Nintendo', [
          ['Nintendo Switch {OLED|Lite|V2|original} {blanca|neón|gris|turquesa|coral|edición Zelda}{| + Mario Kart 8| + Zelda| + Pokémon Escarlata| con funda}', 220, 4],
          ['{Nintendo 3DS XL|Nintendo 2DS|Nintendo DS Lite|Wii|Wii U|GameCube|Game Boy Advance SP} {con juegos|con cargador|funcionando}', 80, 2],
        ], { weight: 2 }),
        leaf('Consolas retro', [['{Super Nintendo|Nintendo NES|Sega Mega Drive|Sega Master System|Nintendo 64|Game Boy Color} {con caja|con juegos|completa}', 110]], { sigma: 0.7 }),
      ], { weight: 2 }),
      leaf('Videojuegos', [['{FIFA 23|EA Sports FC 24|Spider-Man 2|God of War Ragnarök|Elden Ring|Zelda: Tears of the Kingdom|Mario Kart 8 Deluxe|Pokémon Escarlata|GTA V|Hogwarts Legacy|Red Dead Redemption 2|Animal Crossing|Call of Duty MW3} {PS5|PS4|Nintendo Switch|Xbox Series X|Xbox One}', 25]], { weight: 2.5 }),
      leaf('Accesorios de consola', [
        ['{Mando DualSense PS5 {blanco|negro|rojo}|Mando DualShock 4|Mando Pro Nintendo Switch|Joy-Con {neón|gris}|Mando Xbox Series|Volante Logitech G29|Auriculares PS5 Pulse 3D|Cargador mandos PS5}', 40],
      ], { weight: 1.5 }),
    ], { id: 12900 }),
    branch('TV, audio y foto', [
      leaf('Televisores', [['{Smart TV|Televisor|TV} {Samsung|LG|Sony|TCL|Xiaomi|Philips|Hisense} {32|43|50|55|65|75}" {4K|QLED|OLED|Full HD|Ambilight}', 280]], { weight: 2 }),
      leaf('Auriculares', [['{AirPods {Pro 2|Pro|3ª generación|2ª generación|Max}|Auriculares {Sony WH-1000XM4|Sony WH-1000XM5|Bose QC45|JBL Tune 510BT|Beats Studio3|Samsung Galaxy Buds2}}', 90]], { weight: 2 }),
      leaf('Altavoces y equipos de sonido', [['{Altavoz JBL {Flip 5|Flip 6|Charge 5|Go 3|PartyBox 110}|Barra de sonido {Samsung|Sonos Beam|LG}|Sonos One|Amazon Echo {Dot|Show}|Equipo de música Sony|Tocadiscos Audio-Technica}', 80]]),
      leaf('Cámaras y fotografía', [['Cámara {Canon EOS 2000D|Canon EOS 250D|Nikon D3500|Nikon D7500|Sony A6400|Sony A7 III|Fujifilm X-T30|Olympus OM-D} {+ objetivo 18-55|cuerpo|con 2 baterías|+ 50mm}', 420], ['Objetivo {Canon EF 50mm f/1.8|Sigma 18-35|Sony FE 85mm|Nikon 35mm f/1.8}', 180]], { sigma: 0.6 }),
      leaf('Drones', [['Dron DJI {Mini 2|Mini 3 Pro|Mini 4 Pro|Air 2S|Mavic 3|Avata}{| Fly More Combo| con 3 baterías}', 380]], { weight: 0.5 }),
      leaf('Cámaras deportivas', [['{GoPro Hero {8|9|10|11|12} Black|DJI Osmo Action 3|Insta360 X3}{| con accesorios}', 180]], { weight: 0.5 }),
    ]),
    leaf('Smartwatches y pulseras', [['{Apple Watch Series {6|7|8|9} {41|45}mm|Apple Watch SE|Garmin Forerunner {245|255|955}|Garmin Fenix 6|Samsung Galaxy Watch {4|5|6}|Xiaomi Smart Band {7|8}|Amazfit GTS 4}', 130]], { weight: 2 }),
  ],
};

const fashion: RootSpec = {
  id: 12465,
  name: 'Moda y accesorios',
  verticalId: 'consumer_goods',
  icon: 'fashion',
  share: 17,
  shippable: 0.95,
  sigma: 0.55,
  family: 'fashion',
  children: [
    branch('Ropa de mujer', [
      leaf('Vestidos', [['Vestido {largo|corto|midi|de fiesta|de flores|de punto|camisero} {@fashionBrand} talla {XS|S|M|L}{@condition}', 15]], { weight: 2 }),
      leaf('Abrigos y chaquetas', [['{Abrigo|Chaqueta|Plumífero|Cazadora vaquera|Blazer|Gabardina} {@fashionBrand} {@colour} talla {@size}', 28]]),
      leaf('Pantalones y vaqueros', [
        ['{Vaqueros|Pantalón|Jeans} {mom fit|wide leg|palazzo|de pinzas|rectos|culotte} {@fashionBrand} talla {34|36|38|40|42}', 14, 3],
        ['Vaqueros Levi\'s {501|Ribcage|501 Crop|Wedgie} talla {24|26|28|30}', 25],
      ]),
      leaf('Camisetas y tops', [['{Camiseta|Top|Blusa|Body} {@fashionBrand} {@colourF} talla {@size}', 8]]),
      leaf('Jerséis y sudaderas', [['{Jersey|Sudadera|Cárdigan|Chaleco de punto} {@fashionBrand} talla {@size}', 14]]),
      leaf('Faldas', [['Falda {midi|plisada|vaquera|de cuero|larga} {@fashionBrand} talla {XS|S|M|L}', 12]]),
      leaf('Trajes de flamenca', [['Traje de flamenca {de lunares|canastero|con volantes|entallado} talla {36|38|40|42}{| con complementos}', 140]], { weight: 0.4, sigma: 0.6 }),
      leaf('Ropa deportiva de mujer', [['{Mallas|Sujetador deportivo|Chaqueta running|Conjunto de yoga} {@sportBrand} talla {@size}', 15]]),
    ], { weight: 4 }),
    branch('Ropa de hombre', [
      leaf('Camisetas y polos', [['{Camiseta|Polo} {Nike|Adidas|Lacoste|Ralph Lauren|Tommy Hilfiger|Zara|Carhartt} {@colour} talla {@size}', 12]]),
      leaf('Camisas', [['Camisa {Massimo Dutti|Zara|El Ganso|Scalpers|Hackett|Springfield} {de lino|de cuadros|Oxford|blanca} talla {@size}', 15]]),
      leaf('Pantalones', [['{Vaqueros Levi\'s {501|511|505}|Chinos Dockers|Pantalón cargo|Vaqueros Pepe Jeans} talla {38|40|42|44|46}', 18]]),
      leaf('Chaquetas y abrigos', [['{Chaqueta|Abrigo|Plumas|Parka|Cazadora de cuero} {The North Face|Columbia|Zara|Massimo Dutti|Superdry|Schott} talla {@size}', 40]]),
      leaf('Trajes y americanas', [['{Traje|Americana|Chaqué} {Massimo Dutti|Zara|Hugo Boss|El Corte Inglés|Cortefiel} talla {46|48|50|52|54}', 60]]),
      leaf('Sudaderas', [['Sudadera {Nike|Adidas|Champion|Carhartt|Supreme|Ellesse} {con capucha|sin capucha} talla {@size}', 20]]),
    ], { weight: 2.5 }),
    branch('Calzado', [
      leaf('Zapatillas', [['Zapatillas {Nike Air Force 1|Nike Air Max 90|Nike Dunk Low|Adidas Stan Smith|Adidas Samba|Adidas Gazelle|New Balance 574|New Balance 550|Converse All Star|Vans Old Skool|Jordan 1 Mid|Asics Gel-Kayano} talla {@shoe}{| nuevas| con caja| a estrenar}', 45]], { weight: 3 }),
      leaf('Botas y botines', [['{Botas|Botines} {Dr. Martens 1460|UGG Classic|Timberland 6-Inch|Panama Jack|Tommy Hilfiger|Pikolinos} talla {@shoe}', 50]]),
      leaf('Zapatos', [['{Zapatos de tacón|Mocasines|Zapatos Oxford|Bailarinas|Alpargatas} {Castañer|Pikolinos|Zara|Mango|Geox} talla {@shoe}', 25]]),
      leaf('Sandalias', [['Sandalias {Birkenstock Arizona|Havaianas|Menorquinas|de tacón|planas} talla {@shoe}', 20]]),
    ], { weight: 2 }),
    leaf('Bolsos y mochilas', [
      ['Bolso {Michael Kors|Tous|Guess|Desigual|Coach|Mango|Parfois|Lola Casademunt} {@colour}', 35, 3],
      ['Bolso {Louis Vuitton Neverfull|Louis Vuitton Speedy|Loewe Puzzle|Gucci Marmont|Chanel Classic Flap} {original|con factura|auténtico}', 900],
      ['Mochila {Eastpak|Herschel|Fjällräven Kånken|Jansport|Nike} {@colourF}', 25, 2],
    ], { weight: 1.5, sigma: 0.6 }),
    leaf('Relojes', [['Reloj {Casio G-Shock|Casio vintage|Seiko 5|Tissot PRX|Festina|Fossil|Daniel Wellington|Swatch|Lotus|Viceroy}{| de caballero| de señora| automático}', 70, 4], ['Reloj {Rolex Submariner|Rolex Datejust|Omega Seamaster|TAG Heuer Carrera|Tudor Black Bay} {con papeles|full set|1998}', 6_000]], { sigma: 0.6 }),
    leaf('Joyas y bisutería', [['{Anillo|Collar|Pulsera|Pendientes} {de plata de ley|de oro 18k|Pandora|Tous|Swarovski|con circonitas|Uno de 50}', 35]], { sigma: 0.9 }),
    leaf('Gafas de sol', [['Gafas de sol {Ray-Ban Wayfarer|Ray-Ban Aviator|Ray-Ban Clubmaster|Oakley Holbrook|Prada|Hawkers|Carrera|Persol}{| polarizadas| originales}', 45]]),
    leaf('Camisetas de fútbol', [['Camiseta {Real Madrid|FC Barcelona|Barça|Atlético de Madrid|Sevilla FC|Real Betis|Athletic Club|Valencia CF|Selección Española} {2022/23|2023/24|2024/25|retro|de los 90}{| Vinícius| Pedri| Griezmann| Lamine Yamal| Bellingham| Iniesta} talla {@size}', 35]], { weight: 0.8 }),
    leaf('Ropa vintage', [['{Chaqueta|Sudadera|Cazadora|Camisa} vintage {años 80|años 90|Levi\'s|Nike|Adidas|Harley-Davidson} talla {@size}', 30]], { weight: 0.6 }),
  ],
};

const realEstate: RootSpec = {
  id: 200,
  name: 'Inmobiliaria',
  verticalId: 'real_estate',
  icon: 'real_estate',
  share: 0.7,
  shippable: 0,
  sigma: 0.45,
  family: 'realEstate',
  children: [
    leaf('Pisos en venta', [['Piso de {1|2|3|4} habitaciones en {@hood}{| con terraza| reformado| con garaje| exterior}', 185_000]], { weight: 2 }),
    leaf('Pisos en alquiler', [['Alquiler piso de {1|2|3} habitaciones {amueblado|sin amueblar} en {@hood}', 850]], { weight: 2, sigma: 0.35 }),
    leaf('Habitaciones', [['Habitación en piso compartido {para estudiantes|junto al metro|con baño propio|en {@hood}}', 360]], { weight: 2, sigma: 0.3 }),
    leaf('Casas y chalets', [['{Chalet|Casa de pueblo|Adosado|Casa rural} con {jardín|piscina|terreno de 1000 m²|vistas} en {@hood}', 230_000]]),
    leaf('Garajes y trasteros', [['{Plaza de garaje|Trastero} en {venta|alquiler} en {@hood}', 9_000]], { sigma: 1.4 }),
    leaf('Locales y oficinas', [['{Local comercial|Oficina|Nave industrial} de {45|80|120|300} m² en {@hood}', 95_000]], { sigma: 0.8 }),
    leaf('Terrenos', [['{Terreno rústico|Parcela urbanizable|Finca de olivos|Huerto} de {2500 m²|5000 m²|1 ha|3 ha}', 30_000]], { sigma: 0.8, weight: 0.5 }),
  ],
};

const sports: RootSpec = {
  id: 12579,
  name: 'Deporte y ocio',
  verticalId: 'consumer_goods',
  icon: 'sports',
  share: 7,
  shippable: 0.7,
  sigma: 0.55,
  family: 'sport',
  children: [
    branch('Fitness y gimnasio', [
      leaf('Máquinas de cardio', [['{Cinta de correr {BH|Domyos|NordicTrack|Cecotec} plegable|Bicicleta estática {BH|Domyos|Keiser M3}|Bicicleta de spinning {BH|Keiser|Domyos}|Elíptica {BH|Domyos}|Remo {Concept2|Domyos}}', 220]]),
      leaf('Pesas y musculación', [['{Mancuernas ajustables {2x20kg|2x10kg}|Banco de musculación|Barra olímpica + discos|Kettlebell {12|16|24}kg|Rack de sentadillas|Jaula de musculación}', 80]]),
      leaf('Yoga y pilates', [['{Esterilla de yoga|Reformer de pilates|Pelota fitball|Bandas elásticas} {Manduka|Domyos|Lululemon}', 25]], { sigma: 0.9 }),
    ]),
    leaf('Patinetes eléctricos', [['Patinete eléctrico {Xiaomi Mi Pro 2|Xiaomi Essential|Xiaomi 4 Pro|Ninebot Max G30|Segway E22|Cecotec Bongo Serie A|SmartGyro Xtreme}{| con seguro| batería nueva}', 240]], { weight: 1.5 }),
    leaf('Skate y patines', [['{Skate completo {Element|Santa Cruz|Oxelo}|Longboard|Patines en línea {Oxelo|Rollerblade|K2}|Patines de cuatro ruedas {Impala|Moxi}} talla {@shoe}', 45]]),
    branch('Camping y montaña', [
      leaf('Tiendas de campaña', [['Tienda de campaña {Quechua|Coleman|Vango} {2|3|4|6} personas{| 2 Seconds| con avance}', 55]]),
      leaf('Mochilas de trekking', [['Mochila de trekking {Osprey|Deuter|The North Face|Quechua|Gregory} {30|40|55|65}L', 50]]),
      leaf('Botas de montaña', [['Botas de montaña {Salomon|Merrell|Chiruca|La Sportiva|Quechua} talla {@shoe}', 45]]),
      leaf('Sacos y esterillas', [['{Saco de dormir|Esterilla autohinchable|Colchón hinchable} {Quechua|Coleman|Sea to Summit}', 30]]),
    ]),
    branch('Deportes acuáticos', [
      leaf('Surf y paddle surf', [['{Tabla de paddle surf {hinchable|rígida} {10\'6|11\'|12\'6}|Tabla de surf {6\'2|6\'8|7\'0|9\'0}|Neopreno {3/2|4/3} talla {@size}}', 260]]),
      leaf('Kayaks y piraguas', [['Kayak {hinchable|rígido|de travesía} {1|2} plazas {Intex|Sevylor|RTM}', 320]]),
      leaf('Buceo y natación', [['{Traje de buceo|Regulador Scubapro|Aletas Mares|Gafas de natación}{ talla {@size}|}', 70]], { sigma: 0.8 }),
    ], { weight: 0.8 }),
    leaf('Esquí y snowboard', [['{Esquís {Rossignol|Atomic|Head|Salomon} {150|160|170} cm con fijaciones|Botas de esquí {Salomon|Lange|Nordica} talla {25|26|27|28}|Tabla de snowboard {Burton|Nitro|Salomon} {150|155|158}}', 140]]),
    leaf('Pesca', [['{Caña de pescar {Shimano|Daiwa|Penn} {spinning|surfcasting|carpfishing}|Carrete {Shimano Stradic|Daiwa Ninja}|Lote de señuelos}', 55]], { weight: 0.8 }),
    leaf('Fútbol', [['{Botas de fútbol {Nike Mercurial|Adidas Predator|Puma Future|Adidas Copa} talla {@shoe}|Balón {Adidas|Nike} oficial|Portería plegable}', 40]]),
    leaf('Pádel y tenis', [['Pala de pádel {Bullpadel Vertex 03|Bullpadel Hack|Nox AT10|Head Delta Pro|Adidas Metalbone|Babolat Technical Viper|Siux Electra}{| con funda| nueva}', 95, 3], ['Raqueta de tenis {Babolat Pure Drive|Wilson Blade|Head Speed|Yonex Ezone}', 75]], { weight: 1.5 }),
    leaf('Golf', [['{Juego de palos de golf {Callaway|TaylorMade|Ping}|Driver {TaylorMade Stealth|Callaway Rogue}|Carro de golf eléctrico}', 220]], { sigma: 0.8, weight: 0.4 }),
    leaf('Boxeo y artes marciales', [['{Guantes de boxeo {Everlast|Venum|Leone} {10|12|14} oz|Saco de boxeo {con soporte|30kg}|Kimono de judo talla {@size}}', 35]], { weight: 0.5 }),
    leaf('Juegos de mesa y puzzles', [['{Catan|Carcassonne|Monopoly|Trivial Pursuit|Dixit|Aventureros al tren|Pandemic|Exploding Kittens|Puzzle {1000|2000} piezas {Ravensburger|Educa}}{| completo| precintado}', 18]]),
  ],
};

const bicycles: RootSpec = {
  id: 17000,
  name: 'Bicicletas',
  verticalId: 'consumer_goods',
  icon: 'bicycle',
  share: 4,
  shippable: 0.5,
  sigma: 0.55,
  family: 'bike',
  children: [
    leaf('Bicicletas de montaña', [['Bicicleta de montaña {Orbea|BH|Specialized|Trek|Scott|Rockrider|Cannondale|Giant|Megamo|Mondraker|Cube} {Alma|Occam|Rockhopper|Marlin|Spark|ST 540|Talon|Trail|Aim|Scale} {27,5|29|26}"{| talla {@bikeSize}| doble suspensión| carbono}', 480]], { weight: 3 }),
    leaf('Bicicletas de carretera', [['Bicicleta de carretera {Orbea Orca|Specialized Allez|Specialized Tarmac|Trek Domane|Cannondale CAAD12|Giant TCR|Canyon Endurace|BH Ultralight|Triban RC 520|Pinarello} {carbono|aluminio|Shimano 105|Ultegra} talla {52|54|56|58}', 900]], { weight: 2 }),
    leaf('Bicicletas eléctricas', [['Bicicleta eléctrica {Orbea Rise|Orbea Gain|Haibike|Moma|Specialized Turbo Levo|Cube Reaction Hybrid|Rockrider E-ST 500|BH Atom}{| batería 500Wh| de montaña| urbana}', 1_500]], { weight: 1.5 }),
    leaf('Bicicletas de gravel', [['Bicicleta gravel {Orbea Terra|Specialized Diverge|Canyon Grizl|Triban GRVL 520|Cannondale Topstone} talla {@bikeSize}', 1_100]], { weight: 0.7 }),
    leaf('Bicicletas urbanas y plegables', [['{Bicicleta plegable {Brompton|Tern|Dahon|BTWIN Tilt}|Bicicleta urbana {Orbea Vector|Elops|holandesa|de paseo|fixie}}{| con cesta| con candado}', 230]], { weight: 1.5 }),
    leaf('Bicicletas infantiles', [['Bicicleta infantil {12|14|16|20|24}" {BTWIN|Orbea MX|Hello Kitty|Spiderman|Frozen|Monty}{| con ruedines}', 60]], { weight: 1.5 }),
    leaf('BMX', [['BMX {Mongoose|Cult|Sunday|Wethepeople|Kink|BTWIN Wipe} {20"|freestyle}', 180]], { weight: 0.5 }),
    branch('Componentes y recambios', [
      leaf('Ruedas y cubiertas', [['{Ruedas {Mavic|DT Swiss|Fulcrum|Shimano} {29|27,5|700c}|Cubiertas {Maxxis|Continental|Michelin} {29x2.4|700x25}}', 90]]),
      leaf('Transmisión y frenos', [['{{Grupo|Cambio|Frenos} Shimano {XT|SLX|Deore|105|Ultegra|Tiagra}|Cambio SRAM {GX Eagle|NX Eagle}}', 70]]),
      leaf('Horquillas y amortiguadores', [['Horquilla {RockShox|Fox|SR Suntour} {Reba|Pike|34|XCR} {29|27,5}"', 200]]),
    ]),
    leaf('Accesorios de ciclismo', [['{Casco {Abus|Giro|Bell|Specialized|Met} talla {M|L}|Rodillo {Elite|Tacx|Wahoo Kickr}|Luces {Garmin|Cateye}|Ciclocomputador Garmin Edge {530|830}|Portabicicletas de bola}', 45]], { weight: 1.5 }),
    leaf('Ropa de ciclismo', [['{Maillot|Culotte|Chaqueta|Zapatillas} de ciclismo {Castelli|Gobik|Rapha|Specialized|Movistar Team} talla {@size}', 30]]),
  ],
};

const home: RootSpec = {
  id: 12467,
  name: 'Hogar y jardín',
  verticalId: 'consumer_goods',
  icon: 'home',
  share: 13,
  shippable: 0.45,
  sigma: 0.6,
  family: 'home',
  children: [
    branch('Muebles', [
      leaf('Sofás y sillones', [['{Sofá {de 3 plazas|de 2 plazas|chaise longue|rinconera|cama}|Sillón {orejero|relax|de diseño}} {IKEA Kivik|IKEA Ektorp|de piel|tapizado|{@colour}}', 180]], { weight: 2 }),
      leaf('Mesas', [['Mesa {de comedor|de centro|auxiliar|de cocina} {extensible|de madera maciza|de cristal|redonda|nórdica|elevable}', 90]], { weight: 1.5 }),
      leaf('Sillas', [['{2|4|6} sillas {de comedor|nórdicas|de madera|tapizadas|Tolix|de diseño}', 60]]),
      leaf('Camas y colchones', [['{Colchón {viscoelástico|de muelles ensacados|Flex|Pikolin} {90x190|135x190|150x190|150x200}|Canapé abatible {135|150}|Cama {nido|de matrimonio|infantil}|Somier}', 130]], { weight: 1.5 }),
      leaf('Armarios y cómodas', [['{Armario {IKEA Pax|ropero de 2 puertas|de 3 puertas}|Cómoda {de 4 cajones|vintage|IKEA Malm|IKEA Hemnes}|Zapatero|Aparador}', 90]], { weight: 1.5 }),
      leaf('Estanterías y librerías', [['{Estantería {IKEA Kallax|IKEA Billy|de madera|metálica|industrial}|Librería {blanca|de roble}}', 40]]),
      leaf('Muebles de salón', [['{Mueble de TV|Mueble de salón|Vitrina|Mesa de centro elevable} {blanco|roble|nogal|industrial}', 70]]),
      leaf('Escritorios y sillas de oficina', [['{Escritorio {IKEA Micke|elevable|gaming|de madera}|Silla de oficina {ergonómica|gaming|Herman Miller Aeron|IKEA Markus}}', 75]]),
    ], { weight: 4 }),
    branch('Decoración', [
      leaf('Cuadros y láminas', [['{Cuadro {abstracto|al óleo|grande}|Lámina enmarcada|Póster vintage} {60x90|50x70|100x100}', 25]]),
      leaf('Espejos', [['Espejo {redondo|de pie|vintage|dorado|de baño|de ratán} {@colour}', 40]]),
      leaf('Alfombras', [['Alfombra {de yute|persa|nórdica|shaggy|vinílica|de lana} {160x230|200x300|120x170}', 45]]),
      leaf('Iluminación', [['Lámpara {de pie|de techo|de mesa|colgante} {industrial|nórdica|de diseño|de ratán|vintage}', 30]], { weight: 1.5 }),
      leaf('Velas, jarrones y figuras', [['{Jarrón|Figura|Portavelas|Reloj de pared} {de cerámica|de cristal|Lladró|vintage|de Sargadelos}', 18]], { sigma: 1 }),
    ], { weight: 2 }),
    leaf('Menaje de cocina', [['{Vajilla {completa|de 18 piezas|Porcelana Bidasoa}|Juego de sartenes {Tefal|BRA|Le Creuset}|Olla exprés {Fagor|WMF}|Cubertería|Cristalería}', 28]], { weight: 1.5 }),
    leaf('Textil del hogar', [['{Edredón nórdico|Juego de sábanas|Cortinas|Colcha|Manta} {135|150|180}{| de algodón| de lino}', 20]]),
    branch('Jardín y terraza', [
      leaf('Muebles de jardín', [['{Set de jardín {mesa + 4 sillas|de ratán|de aluminio}|Tumbona|Hamaca|Sombrilla|Cenador}', 90]]),
      leaf('Cortacésped y herramientas de jardín', [['{Cortacésped {Honda|Bosch|Einhell|Husqvarna} {eléctrico|de gasolina|robot}|Desbrozadora|Cortasetos|Soplador de hojas}', 120]]),
      leaf('Barbacoas', [['Barbacoa {Weber|de carbón|de gas|de obra|Campingaz}', 90]]),
      leaf('Piscinas', [['{Piscina desmontable {Intex|Bestway} {3x2|4x2|5x3}|Depuradora de arena|Robot limpiafondos}', 110]]),
      leaf('Plantas y macetas', [['{Monstera deliciosa|Olivo|Bonsái|Cactus|Ficus lyrata|Pothos|Maceta grande de barro} {grande|pequeño|con maceta}', 15]]),
    ], { weight: 2 }),
  ],
};

const appliances: RootSpec = {
  id: 13100,
  name: 'Electrodomésticos',
  verticalId: 'consumer_goods',
  icon: 'appliances',
  share: 4,
  shippable: 0.5,
  sigma: 0.5,
  family: 'appliance',
  children: [
    leaf('Lavadoras y secadoras', [['{Lavadora|Secadora|Lavasecadora} {Bosch|Balay|LG|Samsung|Beko|Whirlpool|Teka|AEG} {7|8|9|10} kg{| A+++| carga frontal| bomba de calor}', 170]], { weight: 1.5 }),
    leaf('Frigoríficos', [['Frigorífico {combi|americano|de una puerta|side by side} {Bosch|Balay|LG|Samsung|Hisense|Liebherr|Siemens}{| No Frost| inox}', 220]], { weight: 1.2 }),
    leaf('Lavavajillas', [['Lavavajillas {Bosch|Balay|Siemens|Beko|Candy} {60|45} cm{| integrable}', 150]]),
    leaf('Hornos y placas', [['{Horno {multifunción|pirolítico}|Placa de inducción|Vitrocerámica|Campana extractora} {Balay|Bosch|Teka|Siemens|Cata}', 110]]),
    leaf('Microondas', [['Microondas {Cecotec|LG|Samsung|Whirlpool|Teka} {20|23|25} L{| con grill| inox}', 40]]),
    branch('Pequeño electrodoméstico', [
      leaf('Robots de cocina', [['{Thermomix {TM5|TM6|TM31}|Robot de cocina {Cecotec Mambo|Monsieur Cuisine|Moulinex Companion}}', 420]], { sigma: 0.6 }),
      leaf('Cafeteras', [['Cafetera {Nespresso {Vertuo|Inissia|Essenza}|Dolce Gusto|De\'Longhi {Magnifica|Dedica}|Krups|Sage Barista Express|italiana Bialetti}', 60]], { weight: 1.5, sigma: 0.8 }),
      leaf('Freidoras de aire', [['Freidora de aire {Cosori|Cecotec|Philips Airfryer|Xiaomi|Ninja} {3,5|5,5|6} L', 45]]),
      leaf('Cuidado personal', [['{Plancha de pelo {GHD|Remington}|Secador Dyson Supersonic|Depiladora IPL|Cepillo Oral-B} {nuevo|poco uso|}', 40]], { sigma: 0.9 }),
    ], { weight: 2 }),
    leaf('Aspiradoras', [['{Robot aspirador {Roomba i7|Roomba 692|Roborock S7|Roborock S8|Conga 4090|Xiaomi Mi Robot}|Aspiradora {Dyson V8|Dyson V11|Dyson V15|Rowenta X-Force|Cecotec Conga Rockstar}}', 150]], { weight: 1.5 }),
    leaf('Climatización', [['{Aire acondicionado {portátil|split} {Daikin|Mitsubishi|LG|Fujitsu} {2250|3000} frigorías|Ventilador {de pie|de techo|Dyson}|Radiador de aceite|Estufa de pellets|Deshumidificador}', 120]], { sigma: 0.7 }),
  ],
};

const media: RootSpec = {
  id: 12463,
  name: 'Cine, libros y música',
  verticalId: 'consumer_goods',
  icon: 'books',
  share: 7,
  shippable: 0.95,
  sigma: 0.5,
  family: 'media',
  children: [
    branch('Libros', [
      leaf('Novelas', [['{Cien años de soledad|La sombra del viento|Don Quijote de la Mancha|Patria|Los pilares de la Tierra|El señor de los anillos|Dune|La casa de los espíritus|El tiempo entre costuras|Harry Potter y la piedra filosofal} {tapa dura|bolsillo|edición especial|primera edición}', 8]], { weight: 2 }),
      leaf('Libros de texto', [['Libro de texto {Matemáticas|Lengua|Inglés|Física y Química|Historia|Biología} {1º|2º|3º|4º} {ESO|Bachillerato} {Anaya|SM|Santillana|Edelvives|Oxford}', 12]], { weight: 1.5 }),
      leaf('Cómics y manga', [['{One Piece|Dragon Ball|Naruto|Astérix|Mortadelo y Filemón|Tintín|Spider-Man|Berserk} {tomo {1|5|12|27|48}|colección completa|número 1}', 9]], { weight: 1.5, sigma: 0.9 }),
      leaf('Libros infantiles', [['{Lote de cuentos|Libro pop-up|El Principito|Geronimo Stilton|Los Futbolísimos|Kika Superbruja} {infantil|ilustrado}', 7]]),
    ], { weight: 3 }),
    branch('Música', [
      leaf('Vinilos', [['Vinilo {Rosalía - Motomami|Queen - Greatest Hits|Pink Floyd - The Dark Side of the Moon|Héroes del Silencio - Senderos de traición|Camarón - La leyenda del tiempo|Mecano - Entre el cielo y el suelo|The Beatles - Abbey Road|Bad Bunny - Un Verano Sin Ti} LP{| primera edición| precintado}', 25]], { weight: 1.5 }),
      leaf('CDs', [['CD {Alejandro Sanz|Estopa|Extremoduro|Fito & Fitipaldis|Shakira|Metallica|Michael Jackson|La Oreja de Van Gogh}{| edición especial| firmado}', 6]]),
    ]),
    branch('Instrumentos musicales', [
      leaf('Guitarras y bajos', [['{Guitarra eléctrica {Fender Stratocaster|Gibson Les Paul|Squier Telecaster|Epiphone SG|Ibanez}|Guitarra española {Alhambra 4P|Yamaha C40|Admira}|Guitarra acústica Yamaha|Bajo {Fender Jazz Bass|Ibanez SR}}', 190]], { weight: 2, sigma: 0.8 }),
      leaf('Pianos y teclados', [['{Piano digital {Yamaha P-45|Roland FP-30|Casio Privia PX-S1100|Kawai ES110}|Teclado {Yamaha PSR-E373|Casio CT-S300}|Piano de pared}', 260]], { sigma: 0.8 }),
      leaf('Baterías y percusión', [['{Batería electrónica {Roland TD-1|Alesis Nitro}|Batería acústica {Pearl|Tama|Mapex}|Cajón flamenco|Platos Zildjian}', 300]], { sigma: 0.7 }),
      leaf('Amplificadores y efectos', [['{Amplificador {Marshall|Fender Mustang|Boss Katana|Orange}|Pedal {Boss DS-1|Tube Screamer|Big Muff}|Pedalera {Line 6|Zoom}}', 120]]),
      leaf('Instrumentos de viento', [['{Saxofón alto {Yamaha|Jupiter}|Trompeta {Bach|Yamaha}|Flauta travesera|Clarinete Buffet|Gaita gallega}', 320]], { sigma: 0.7 }),
      leaf('Equipos de DJ', [['{Controladora {Pioneer DDJ-400|Pioneer DDJ-FLX4|Numark Mixtrack}|Platos Technics SL-1200|Mesa de mezclas Behringer}', 220]], { weight: 0.6 }),
    ], { weight: 2 }),
    leaf('Cine y series', [['{Colección|Pack} {DVD|Blu-ray|4K UHD} {Star Wars|El Padrino|Harry Potter|Friends|Juego de Tronos|El Señor de los Anillos|Regreso al futuro}', 12]]),
  ],
};

const kids: RootSpec = {
  id: 12461,
  name: 'Niños y bebés',
  verticalId: 'consumer_goods',
  icon: 'kids',
  share: 6,
  shippable: 0.7,
  sigma: 0.6,
  family: 'kids',
  children: [
    leaf('Carritos y sillas de paseo', [['{Carrito|Cochecito} {Bugaboo Fox|Bugaboo Cameleon|Stokke Xplory|Cybex Priam|Jané Muum|Babyzen YOYO|Chicco Trio|Joie} {3 piezas|trío|dúo|con capazo}', 230]], { weight: 2 }),
    leaf('Sillas de coche', [['Silla de coche {Cybex Sirona|Maxi-Cosi Pebble|Britax Römer|Chicco|Joie i-Spin} {grupo 0+|grupo 1|isofix|giratoria}', 80]], { weight: 1.2 }),
    leaf('Cunas y moisés', [['{Cuna {de colecho|de viaje|de madera|convertible}|Minicuna|Moisés|Stokke Sleepi}', 75]]),
    leaf('Ropa de bebé', [['Lote de ropa de {bebé|niña|niño} {0-3 meses|3-6 meses|6-12 meses|2 años|4 años} {Zara|H&M|Primark|Mayoral|Tuc Tuc}', 14]], { weight: 1.5 }),
    branch('Juguetes', [
      leaf('LEGO y construcciones', [['LEGO {Star Wars|Technic|City|Friends|Ninjago|Harry Potter|Creator} {set completo|con instrucciones|{75192|42115|60198|10497}}', 45]], { sigma: 0.8 }),
      leaf('Muñecas y figuras', [['{Barbie Dreamhouse|Nenuco|Baby Born|Muñeca Famosa|Playmobil {castillo|granja|barco pirata}|Figuras de PAW Patrol}', 20]]),
      leaf('Juguetes de exterior', [['{Correpasillos|Bicicleta sin pedales {Decathlon|Kokua}|Patinete Micro|Columpio de jardín|Casita de jardín Smoby|Coche eléctrico para niños}', 40]]),
      leaf('Juguetes educativos', [['{Cocinita de juguete|Mesa de actividades|Pizarra magnética|Juguetes Montessori|Teclado infantil} {de madera|Fisher-Price|VTech}', 18]]),
    ], { weight: 2 }),
    leaf('Alimentación y lactancia', [['{Trona {Stokke Tripp Trapp|IKEA Antilop|Chicco Polly}|Sacaleches {Medela|Philips Avent}|Esterilizador de biberones}', 50]]),
    leaf('Seguridad y baño', [['{Vigilabebés {Philips Avent|Motorola}|Bañera plegable|Barrera de seguridad|Cambiador}', 30]]),
  ],
};

const collectibles: RootSpec = {
  id: 18000,
  name: 'Coleccionismo',
  verticalId: 'consumer_goods',
  icon: 'collectibles',
  share: 4,
  shippable: 0.95,
  sigma: 0.9,
  family: 'collectible',
  children: [
    leaf('Monedas y billetes', [['{Moneda de 2 euros conmemorativa|Moneda de plata de 12 euros|Moneda de 100 pesetas 1966|Billete de 1000 pesetas|Colección de pesetas|Duro de 1975}', 15]], { weight: 1.5 }),
    leaf('Sellos', [['Colección de sellos {de España|de Franco|del mundo|temáticos} {en álbum|sin usar|matasellados}', 40]]),
    branch('Cartas y cromos', [
      leaf('Cartas Pokémon', [['Carta Pokémon {Charizard|Pikachu|Mewtwo|Umbreon|Rayquaza|Lugia} {holo|1ª edición|PSA 9|full art|VMAX}', 30]], { weight: 1.5, sigma: 1.2 }),
      leaf('Cromos y álbumes', [['{Álbum de cromos|Lote de cromos|Sobres de cromos} {Liga Este 2023-24|Panini Mundial 2022|Megacracks|Adrenalyn XL}', 15]]),
      leaf('Magic y otros TCG', [['{Cartas Magic|Lote Yu-Gi-Oh!|Sobres One Piece TCG|Mazo Magic Commander} {raras|foil|en español}', 25]]),
    ], { weight: 1.5 }),
    leaf('Figuras y muñecos', [['{Funko Pop {Marvel|Star Wars|Dragon Ball|Harry Potter}|Figura {Dragon Ball|One Piece|Warhammer|Hot Toys}|Muñeco de Star Wars Kenner}', 20]], { weight: 1.5 }),
    leaf('Antigüedades', [['{Máquina de escribir Olivetti|Radio antigua de válvulas|Reloj de pared antiguo|Baúl antiguo|Gramófono|Máquina de coser Singer|Plancha de carbón}', 80]]),
    leaf('Arte', [['{Óleo sobre lienzo|Litografía firmada|Acuarela|Grabado numerado|Escultura de bronce} {paisaje|abstracto|marina|de autor}', 150]], { sigma: 1.1 }),
  ],
};

const construction: RootSpec = {
  id: 19000,
  name: 'Construcción y reformas',
  verticalId: 'consumer_goods',
  icon: 'construction',
  share: 2,
  shippable: 0.5,
  sigma: 0.6,
  family: 'tools',
  children: [
    leaf('Herramientas eléctricas', [['{Taladro {percutor|atornillador}|Radial|Sierra ingletadora|Sierra de calar|Martillo percutor|Lijadora} {Bosch|Makita|DeWalt|Milwaukee|Black+Decker|Ryobi}{| 18V| con 2 baterías| con maletín}', 80]], { weight: 2 }),
    leaf('Herramientas manuales', [['{Caja de herramientas {Stanley|completa}|Juego de llaves {de vaso|Allen}|Nivel láser|Juego de destornilladores}', 30]]),
    leaf('Materiales de construcción', [['{Palé de {ladrillo|azulejo|gres porcelánico|tarima flotante}|Puerta de interior {lacada|de roble}|Ventana de aluminio|Sacos de cemento}', 60]], { sigma: 0.8 }),
    leaf('Fontanería y baño', [['{Plato de ducha|Lavabo con mueble|Mampara de ducha|Grifo termostático|Inodoro Roca|Termo eléctrico {50|80|100} L}', 70]]),
    leaf('Electricidad', [['{Focos LED|Cable eléctrico {2,5|6} mm|Cuadro eléctrico|Enchufes Simon|Bobina de cable}', 20]]),
    leaf('Escaleras y andamios', [['{Escalera {de aluminio|de tijera|telescópica} {5|7|9} peldaños|Andamio}', 45]]),
  ],
};

const industry: RootSpec = {
  id: 20000,
  name: 'Industria y agricultura',
  verticalId: 'consumer_goods',
  icon: 'industry',
  share: 0.8,
  shippable: 0.2,
  sigma: 0.7,
  family: 'tools',
  children: [
    leaf('Tractores y maquinaria agrícola', [['{Tractor {John Deere|New Holland|Massey Ferguson|Kubota|Lamborghini} {5050|T5|6400|90 CV}|Motocultor {Pasquali|Honda}|Atomizador|Remolque agrícola} ' + CAR_YEARS, 9_000]], { sigma: 1.1 }),
    leaf('Motosierras y desbrozadoras', [['{Motosierra|Desbrozadora} {Stihl MS 180|Stihl FS 55|Husqvarna 135|Echo}', 150]]),
    leaf('Hostelería', [['{Cafetera industrial {2|3} grupos|Vitrina refrigerada|Mesa de acero inoxidable|Freidora industrial|Arcón congelador}', 450]]),
    leaf('Maquinaria industrial', [['{Compresor {50|100} L|Soldador inverter|Generador eléctrico {Honda|Genergy} {2|3|5} kW|Hidrolimpiadora Kärcher}', 280]]),
  ],
};

const jobs: RootSpec = {
  id: 13200,
  name: 'Empleo',
  verticalId: 'jobs',
  icon: 'jobs',
  share: 0.3,
  shippable: 0,
  sigma: 0.3,
  family: 'job',
  children: [
    leaf('Ofertas de empleo', [['Se busca {camarero/a|dependienta|repartidor con moto|niñera|profesor de inglés|cocinero|mozo de almacén} en {@hood}', 0]]),
    leaf('Busco empleo', [['Me ofrezco como {canguro|limpiadora|jardinero|cuidadora de mayores|paseador de perros|chófer}', 0]]),
  ],
};

const services: RootSpec = {
  id: 21000,
  name: 'Servicios',
  verticalId: 'services',
  icon: 'services',
  share: 1,
  shippable: 0,
  sigma: 0.6,
  family: 'service',
  children: [
    leaf('Clases particulares', [['Clases particulares de {matemáticas|inglés|guitarra|piano|física|programación|francés} {online|a domicilio}', 15]]),
    leaf('Mudanzas y portes', [['{Mudanzas|Portes|Transporte de muebles} {económicos|en furgoneta|en toda España}', 50]]),
    leaf('Reparaciones', [['Reparación de {móviles|ordenadores|electrodomésticos|bicicletas|patinetes eléctricos|consolas}', 30]]),
    leaf('Eventos y fotografía', [['{Fotógrafo para bodas|DJ para eventos|Alquiler de castillo hinchable|Maquillaje para eventos}', 150]]),
  ],
};

const other: RootSpec = {
  id: 12485,
  name: 'Otros',
  verticalId: 'consumer_goods',
  icon: 'other',
  share: 2,
  shippable: 0.6,
  sigma: 0.8,
  family: 'other',
  children: [
    leaf('Lotes y varios', [['{Lote de {objetos varios|cosas de casa|bisutería|material escolar}|Maleta {Samsonite|de cabina|grande}|Cajas de mudanza|Paraguas}', 20]], { weight: 2 }),
    leaf('Regalos', [['Regalo {sofá|armario|cama|libros|ropa de niño|tele antigua} por mudanza', 0]], { weight: 0.5 }),
    leaf('Mascotas (accesorios)', [['{Transportín|Rascador para gatos|Cama para perro|Jaula|Acuario {60|100} L|Terrario}', 25]]),
  ],
};

export const CATALOGUE: readonly RootSpec[] = [
  cars,
  motorbikes,
  motorParts,
  technology,
  fashion,
  realEstate,
  sports,
  bicycles,
  home,
  appliances,
  media,
  kids,
  collectibles,
  construction,
  industry,
  jobs,
  services,
  other,
];

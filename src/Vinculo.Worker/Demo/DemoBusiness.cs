using System.Globalization;
using System.Text;

namespace Vinculo.Demo;

/// <summary>
/// A small random stream from a 64-bit state (SplitMix64): the same seed gives the same business on every machine and
/// in every process, which <see cref="Random"/> with a seed does not promise across .NET versions.
/// </summary>
internal struct DemoRandom(ulong state)
{
    private ulong state = state;

    public static DemoRandom For(int seed, long stream) => new(((ulong)(uint)seed << 32) ^ ((ulong)stream * 0x9E3779B97F4A7C15UL) ^ 0xD1B54A32D192ED03UL);

    public ulong NextUInt64()
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>In [0, max).</summary>
    public int Next(int max) => (int)(NextUInt64() % (ulong)max);

    /// <summary>In [min, max).</summary>
    public int Next(int min, int max) => min + Next(max - min);

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];
}

/// <summary>How a demo person's number was typed into the business's spreadsheet.</summary>
internal enum NumberShape
{
    /// <summary>A mobile in one of the everyday forms: "(11) 98765-4321", "11987654321", "+55 11 98765-4321", …</summary>
    Mobile,

    /// <summary>A pre-2016 mobile with 8 digits: the worker adds the ninth.</summary>
    OldMobile,

    /// <summary>A mobile without its area code: the worker adds <c>Phones:DefaultAreaCode</c>.</summary>
    NoAreaCode,

    /// <summary>A landline: valid, but it cannot hold WhatsApp.</summary>
    Landline,

    /// <summary>Garbage: empty, letters, too short, a made-up area code.</summary>
    Invalid,

    /// <summary>Somebody else's number typed again for a second row of the same person.</summary>
    Duplicate,
}

/// <summary>One person of the demo business, derived from the seed and their index alone (nothing kept in memory).</summary>
/// <param name="Index">1-based; <c>external_ref</c> is <c>CLI-{Index}</c>.</param>
/// <param name="E164">The number the worker should find (null for garbage).</param>
/// <param name="HabitHour">The local hour at which this person usually writes.</param>
/// <param name="Consent">Whether the spreadsheet says they consented, and when.</param>
/// <param name="Engagement">How likely they are to read a message (0–1).</param>
/// <param name="OptOutProneness">How likely a message makes them ask to stop (0–1), before the content's own effect.</param>
/// <param name="NotOnWhatsApp">A mobile that WhatsApp reports undeliverable.</param>
internal sealed record DemoPerson(
    long Index,
    string Name,
    string Raw,
    string? E164,
    NumberShape Shape,
    int AreaCode,
    int HabitHour,
    DateTimeOffset? Consent,
    string ConsentSource,
    double Engagement,
    double OptOutProneness,
    bool NotOnWhatsApp,
    bool HasChat);

/// <summary>A content of the demo business.</summary>
internal sealed record DemoContent(string Name, string Category, string Body, string? Template, int Priority, double OptOutEffect);

/// <summary>
/// The demo's believable small business (a shop in São Paulo that sells shoes, clothes, coffee, cosmetics and sweets
/// all over Brazil): people with Brazilian names, numbers from every region typed the ways people type them (broken ones
/// included), consent given over two years, purchase histories, WhatsApp chats, and the contents the shop sends. Every
/// value is derived from the seed and the person's index, so a million people cost no memory and the same seed gives the
/// same business.
/// </summary>
internal sealed class DemoBusiness(int seed, int people, DateTimeOffset start)
{
    public const string ShopName = "Loja Vínculo";

    public static readonly IReadOnlyList<string> FirstNames =
    [
        "Maria", "José", "Ana", "João", "Francisca", "Antônio", "Adriana", "Carlos", "Juliana", "Paulo", "Márcia", "Lucas", "Fernanda",
        "Rafael", "Patrícia", "Gabriel", "Aline", "Marcos", "Camila", "Pedro", "Sandra", "Bianca", "Jorge", "Luíza", "Thiago", "Débora",
        "Rodrigo", "Vanessa", "Felipe", "Letícia", "Bruno", "Tatiane", "Eduardo", "Priscila", "Gustavo", "Renata", "Leandro", "Simone",
        "Daniel", "Cláudia", "Matheus", "Raimunda", "Diego", "Joana", "Vinícius", "Luciana", "Igor", "Helena", "Caio", "Beatriz",
    ];

    public static readonly IReadOnlyList<string> Surnames =
    [
        "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes", "Costa", "Ribeiro",
        "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa", "Rocha", "Dias", "Nascimento", "Andrade",
    ];

    /// <summary>Area codes with rough weights (São Paulo first), from every region and time zone of the country.</summary>
    private static readonly (int Ddd, int Weight)[] AreaCodes =
    [
        (11, 30), (21, 10), (31, 6), (41, 5), (51, 5), (61, 4), (71, 4), (81, 4), (85, 4), (19, 3), (27, 2), (48, 2), (62, 2), (91, 2),
        (92, 2), (65, 1), (67, 1), (68, 1), (69, 1), (95, 1), (98, 1), (84, 1), (82, 1), (79, 1), (86, 1), (63, 1), (96, 1), (97, 1),
    ];

    private static readonly int TotalWeight = AreaCodes.Sum(a => a.Weight);

    public static readonly IReadOnlyDictionary<string, string[]> Products = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["calcados"] = ["Tênis Corrida Azul", "Sandália de Couro", "Bota Cano Curto"],
        ["roupas"] = ["Camiseta Dry Fit", "Moletom Cinza", "Vestido Floral"],
        ["cafe"] = ["Café Especial 500g", "Cápsulas Intenso", "Prensa Francesa"],
        ["beleza"] = ["Kit Skincare", "Protetor Solar FPS 50", "Sérum Vitamina C"],
        ["doces"] = ["Bolo de Pote", "Brigadeiro Gourmet", "Torta de Limão"],
    };

    public static readonly IReadOnlyList<DemoContent> Contents =
    [
        new("Reposição do seu produto", "calcados", "Oi, {first_name}! Chegou reposição do {product}. Quer que eu separe um para você?", "reposicao_produto", 2, 0.0),
        new("Coleção de verão", "roupas", "{first_name}, a coleção de verão chegou com peças leves e coloridas. Quer ver as novidades?", "colecao_verao", 1, 0.0),
        new("Café do mês", "cafe", "Oi, {first_name}! O café do mês chegou: notas de chocolate e caramelo. Separo um pacote para você?", "cafe_do_mes", 1, 0.0),
        new("Cuidados com a pele", "beleza", "{first_name}, seu {product} está acabando? Temos o kit completo com 15% de desconto esta semana.", "cuidados_pele", 0, 0.0),
        new("Doces da semana", "doces", "Oi, {first_name}! Saiu fornada nova de {product}. Quer reservar?", "doces_semana", 0, 0.0),
        // Sent to everyone who bought anything, and it annoys people: the circuit breaker pauses it.
        new("Liquidação relâmpago", "", "ÚLTIMAS HORAS!!! Tudo com 70% OFF, corre que acaba!!!", "liquidacao_relampago", 3, 0.12),
        // A typo in a placeholder: the planner skips the content and says why, rather than send a hole.
        new("Aniversário (com erro)", "", "Feliz aniversário, {nome}! Ganhe 10% na próxima compra.", "aniversario", 0, 0.0),
    ];

    public int Seed { get; } = seed;

    public int People { get; } = people;

    /// <summary>The first simulated day's midnight in São Paulo.</summary>
    public DateTimeOffset Start { get; } = start;

    /// <summary>Person <paramref name="index"/> (1-based), always the same for the same seed.</summary>
    public DemoPerson Person(long index)
    {
        var random = DemoRandom.For(Seed, index);
        var name = $"{random.Pick(FirstNames)} {random.Pick(Surnames)}";
        if (random.Chance(0.05))
        {
            name = name.ToUpperInvariant();
        }

        var ddd = AreaCode(ref random);
        // A mobile: 9, then 6 to 9 (the numbers that once had 8 digits), then seven digits of the person's own.
        var subscriber = 960_000_000 + ((int)(index % 4) * 10_000_000) + (int)((index * 7_919 + (uint)Seed) % 9_999_999);
        var shape = ShapeOf(index, ref random);
        var (raw, e164) = Typed(shape, ddd, subscriber, index, ref random);
        var consented = random.Chance(0.78);
        var consentAt = consented ? Start.AddDays(-random.Next(20, 720)).AddMinutes(-random.Next(0, 1440)) : (DateTimeOffset?)null;
        var source = random.Pick(["form", "form", "import", "whatsapp", "other"]);
        var habit = Math.Clamp(14 + (int)Math.Round(Gaussian(ref random) * 4), 7, 22);
        return new DemoPerson(
            index, name, raw, e164, shape, ddd, habit, consentAt, source, 0.35 + (random.NextDouble() * 0.55), random.NextDouble() * 0.015,
            shape == NumberShape.Mobile && random.Chance(0.02), random.Chance(0.12));
    }

    /// <summary>Person i's purchases: up to eight over two years, mostly in one or two favourite categories.</summary>
    public IEnumerable<(DateTimeOffset At, string Product, string Category, decimal Amount)> Purchases(DemoPerson person)
    {
        var random = DemoRandom.For(Seed, -person.Index);
        var categories = Products.Keys.ToList();
        var favourite = random.Pick(categories);
        var count = random.Chance(0.2) ? 0 : random.Next(1, 9);
        for (var k = 0; k < count; k++)
        {
            var category = random.Chance(0.7) ? favourite : random.Pick(categories);
            var at = Start.AddDays(-random.Next(3, 730)).AddHours(-random.Next(0, 14));
            yield return (at, random.Pick(Products[category]), category, Math.Round(20 + (decimal)(random.NextDouble() * 280), 2));
        }
    }

    /// <summary>The contact spreadsheet the shop exports from its ERP: every person, consent as the ERP recorded it.</summary>
    public async Task WriteContactsCsvAsync(string path, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        await writer.WriteLineAsync("nome;telefone;external_ref;consentimento;origem;data_consentimento");
        for (long i = 1; i <= People; i++)
        {
            var p = Person(i);
            var consent = p.Consent is { } at ? "sim" : "";
            var when = p.Consent is { } c ? c.ToOffset(TimeSpan.FromHours(-3)).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture) : "";
            await writer.WriteLineAsync($"{p.Name};{p.Raw};CLI-{i:D7};{consent};{(p.Consent is null ? "" : p.ConsentSource)};{when}".AsMemory(), cancellationToken);
        }
    }

    /// <summary>
    /// WhatsApp exports of the chats the shop had with some people (Android, Portuguese), their messages at the person's
    /// usual hour over the last months: what the worker learns habitual hours from. At most <paramref name="max"/> files.
    /// </summary>
    public async Task<int> WriteChatsAsync(string folder, int max, CancellationToken cancellationToken)
    {
        var written = 0;
        string[] lines =
        [
            "Bom dia! Vocês têm esse modelo no 38?", "Quanto fica o frete para cá?", "Chegou certinho, obrigada!", "Vocês abrem sábado?",
            "Pode separar um para mim?", "Adorei, super recomendo", "Tem em outra cor?", "Obrigado pelo atendimento 😊", "<Mídia oculta>",
        ];
        for (long i = 1; i <= People && written < max; i++)
        {
            var p = Person(i);
            if (!p.HasChat || p.E164 is null || p.Shape != NumberShape.Mobile)
            {
                continue;
            }

            var random = DemoRandom.For(Seed, 1_000_000_000L + i);
            var title = Formatted(p.E164);
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"{Start.AddDays(-200).ToOffset(TimeSpan.FromHours(-3)):dd/MM/yyyy} 09:00 - As mensagens e ligações são protegidas com a criptografia de ponta a ponta.\n");
            var days = Enumerable.Range(0, random.Next(3, 12)).Select(_ => random.Next(2, 180)).Distinct().OrderDescending().ToList();
            foreach (var daysAgo in days)
            {
                var local = Start.AddDays(-daysAgo).ToOffset(TimeSpan.FromHours(-3)).Date.AddHours(p.HabitHour + random.Next(-1, 2)).AddMinutes(random.Next(0, 60));
                text.Append(CultureInfo.InvariantCulture, $"{local:dd/MM/yyyy HH:mm} - {title}: {random.Pick(lines)}\n");
                text.Append(CultureInfo.InvariantCulture, $"{local.AddMinutes(random.Next(2, 40)):dd/MM/yyyy HH:mm} - {ShopName}: Olá! Claro, posso ajudar.\n");
            }

            await File.WriteAllTextAsync(Path.Combine(folder, $"Conversa do WhatsApp com {title}.txt"), text.ToString(), new UTF8Encoding(false), cancellationToken);
            written++;
        }

        return written;
    }

    /// <summary>A do-not-call list ("Não Me Ligue"): one in fifty people's numbers, in the form such lists use.</summary>
    public async Task<int> WriteDoNotCallAsync(string path, CancellationToken cancellationToken)
    {
        var count = 0;
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        for (long i = 1; i <= People; i++)
        {
            if (i % 50 == 17 && Person(i).E164 is { } e164)
            {
                await writer.WriteLineAsync(e164.AsMemory(1), cancellationToken);
                count++;
            }
        }

        return count;
    }

    /// <summary>"+55 11 98765-4321", as WhatsApp titles a chat with a number.</summary>
    public static string Formatted(string e164) =>
        e164.Length == 14 ? $"+55 {e164[3..5]} {e164[5..10]}-{e164[10..]}" : $"+55 {e164[3..5]} {e164[5..9]}-{e164[9..]}";

    private static NumberShape ShapeOf(long index, ref DemoRandom random)
    {
        if (index > 20 && index % 37 == 0)
        {
            return NumberShape.Duplicate;
        }

        var roll = random.NextDouble();
        return roll switch
        {
            < 0.05 => NumberShape.OldMobile,
            < 0.08 => NumberShape.NoAreaCode,
            < 0.13 => NumberShape.Landline,
            < 0.17 => NumberShape.Invalid,
            _ => NumberShape.Mobile,
        };
    }

    private (string Raw, string? E164) Typed(NumberShape shape, int ddd, int subscriber, long index, ref DemoRandom random)
    {
        var nine = subscriber.ToString(CultureInfo.InvariantCulture);
        var e164 = $"+55{ddd}{nine}";
        switch (shape)
        {
            case NumberShape.OldMobile:
                var eight = nine[1..];
                return (random.Next(3) switch { 0 => $"({ddd}) {eight[..4]}-{eight[4..]}", 1 => $"{ddd}{eight}", _ => $"0{ddd} {eight}" }, e164);
            case NumberShape.NoAreaCode:
                // Without an area code the worker assumes Phones:DefaultAreaCode (São Paulo in the demo).
                return ($"{nine[..5]}-{nine[5..]}", $"+5511{nine}");
            case NumberShape.Landline:
                var fixedLine = $"3{nine[2..]}";
                return ($"({ddd}) {fixedLine[..4]}-{fixedLine[4..]}", null);
            case NumberShape.Invalid:
                return (random.Next(5) switch { 0 => "", 1 => "não tem", 2 => $"({ddd}) 9876", 3 => $"(20) {nine[..5]}-{nine[5..]}", _ => "123456789012345678" }, null);
            case NumberShape.Duplicate:
                // The same person entered again in another form: the worker keeps the oldest row as the person.
                var twin = Person(index - 20);
                return (twin.E164 is { } twinNumber ? twinNumber[3..] : twin.Raw, twin.E164);
            default:
                var form = random.Next(7) switch
                {
                    0 => $"({ddd}) {nine[..5]}-{nine[5..]}",
                    1 => $"{ddd}{nine}",
                    2 => $"+55 {ddd} {nine[..5]}-{nine[5..]}",
                    3 => $"55{ddd}{nine}",
                    4 => $"0{ddd} {nine[..5]} {nine[5..]}",
                    5 => $"0 21 {ddd} {nine[..5]}-{nine[5..]}",
                    _ => $"({ddd}) {nine[..1]} {nine[1..5]}-{nine[5..]}",
                };
                return (form, e164);
        }
    }

    private static int AreaCode(ref DemoRandom random)
    {
        var roll = random.Next(TotalWeight);
        foreach (var (ddd, weight) in AreaCodes)
        {
            if (roll < weight)
            {
                return ddd;
            }

            roll -= weight;
        }

        return 11;
    }

    private static double Gaussian(ref DemoRandom random)
    {
        var u = 1.0 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }
}

using System.Globalization;

namespace Vinculo.Bench;

/// <summary>
/// A deterministic stream of contacts as Brazilian businesses store them: formatted and bare mobiles,
/// trunk and carrier prefixes, pre-2016 8-digit mobiles, landlines, toll-free and foreign numbers,
/// numbers without area code, about 5 % duplicates (the same number typed another way) and garbage.
/// </summary>
public sealed class SyntheticContacts(int seed = 20261123)
{
    private static readonly int[] AreaCodes =
    [
        11, 11, 11, 11, 12, 13, 15, 19, 21, 21, 21, 22, 24, 27, 31, 31, 32, 34, 41, 41, 43, 47, 48, 51, 51, 54,
        61, 61, 62, 65, 66, 67, 68, 69, 71, 71, 73, 75, 79, 81, 81, 83, 84, 85, 85, 86, 91, 91, 92, 92, 95, 96, 97, 98,
    ];

    private static readonly string[] FirstNames = ["Maria", "José", "Ana", "João", "Antônio", "Francisca", "Carlos", "Paulo", "Adriana", "Lucas", "Juliana", "Márcia"];
    private static readonly string[] LastNames = ["da Silva", "dos Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes"];
    private static readonly string[] Garbage = ["", " ", "n/a", "sem telefone", "123", "0", "xxxxx", "(11)", "não informado", "tel:", "99999999999999999999"];
    private static readonly string[] Foreign = ["+1 650 253 0000", "+351 912 345 678", "+44 20 7946 0958", "+54 9 11 2345-6789", "+34 612 34 56 78", "+1 (305) 555-0142"];

    private readonly Random random = new(seed);
    private readonly List<(int AreaCode, string Subscriber)> issued = [];

    public IEnumerable<SyntheticContact> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return new SyntheticContact($"{FirstNames[random.Next(FirstNames.Length)]} {LastNames[random.Next(LastNames.Length)]}", NextRaw());
        }
    }

    private string NextRaw()
    {
        var roll = random.Next(1000);
        if (roll < 50 && issued.Count > 0)
        {
            var (areaCode, subscriber) = issued[random.Next(issued.Count)];
            return Format(areaCode, subscriber, random.Next(6));
        }

        if (roll < 90)
        {
            return Garbage[random.Next(Garbage.Length)];
        }

        if (roll < 110)
        {
            return Foreign[random.Next(Foreign.Length)];
        }

        if (roll < 120)
        {
            return "0800 " + Digits(3) + " " + Digits(4);
        }

        if (roll < 140)
        {
            return "9" + random.Next(6, 10).ToString(CultureInfo.InvariantCulture) + Digits(3) + "-" + Digits(4);
        }

        var ddd = AreaCodes[random.Next(AreaCodes.Length)];
        if (roll < 220)
        {
            return $"({ddd}) {random.Next(2, 6)}{Digits(3)}-{Digits(4)}";
        }

        if (roll < 290)
        {
            return $"({ddd}) {random.Next(6, 10)}{Digits(3)}-{Digits(4)}";
        }

        var mobile = "9" + random.Next(6, 10).ToString(CultureInfo.InvariantCulture) + Digits(7);
        if (issued.Count < 50_000)
        {
            issued.Add((ddd, mobile));
        }
        else
        {
            issued[random.Next(issued.Count)] = (ddd, mobile);
        }

        return Format(ddd, mobile, random.Next(7));
    }

    private static string Format(int ddd, string mobile, int style) => style switch
    {
        0 => $"({ddd}) {mobile[..5]}-{mobile[5..]}",
        1 => $"{ddd}{mobile}",
        2 => $"+55 {ddd} {mobile[..5]}-{mobile[5..]}",
        3 => $"55{ddd}{mobile}",
        4 => $"0{ddd} {mobile[..5]} {mobile[5..]}",
        5 => $"0 21 {ddd} {mobile[..5]}-{mobile[5..]}",
        _ => $"({ddd}){mobile[..5]}-{mobile[5..]}",
    };

    private string Digits(int count)
    {
        Span<char> digits = stackalloc char[count];
        for (var i = 0; i < count; i++)
        {
            digits[i] = (char)('0' + random.Next(10));
        }

        return new string(digits);
    }
}

public readonly record struct SyntheticContact(string Name, string PhoneRaw);

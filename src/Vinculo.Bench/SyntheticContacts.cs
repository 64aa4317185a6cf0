using System.Globalization;
using System.Text;

namespace Vinculo.Bench;

/// <summary>
/// A deterministic stream of contacts as Brazilian businesses store them, in the shapes people type into a phone field:
/// formatted and bare mobiles with every separator (spaces, dots, dashes, parentheses, none), <c>+55</c>, <c>55</c>,
/// <c>0055</c> and <c>00 55</c>, trunk prefixes with and without a carrier code (<c>011 …</c>, <c>0 21 11 …</c>,
/// <c>015 11 …</c>, <c>041 …</c>, <c>0xx11 …</c>), labels and notes around the digits ("cel: …", "… (whats)",
/// "… ramal 22"), full-width digits, invisible marks from WhatsApp exports, spreadsheet apostrophes, pre-2016 8-digit
/// mobiles, landlines, toll-free and service numbers, numbers without area code, foreign numbers (with <c>+</c> and
/// with <c>00</c>), invalid ones (unknown DDD, a digit missing or extra, two numbers in one field, words), garbage,
/// and about 5 % duplicates (the same number typed another way).
/// </summary>
public sealed class SyntheticContacts(int seed = 20261123)
{
    private static readonly int[] AreaCodes =
    [
        11, 11, 11, 11, 12, 13, 15, 19, 21, 21, 21, 22, 24, 27, 31, 31, 32, 34, 41, 41, 43, 47, 48, 51, 51, 54,
        61, 61, 62, 65, 66, 67, 68, 69, 71, 71, 73, 75, 79, 81, 81, 83, 84, 85, 85, 86, 91, 91, 92, 92, 95, 96, 97, 98,
    ];

    /// <summary>Two-digit codes that are no Brazilian DDD.</summary>
    private static readonly int[] NotAreaCodes = [10, 20, 23, 25, 26, 29, 30, 36, 39, 40, 50, 52, 56, 57, 58, 59, 60, 70, 72, 76, 78, 80, 90];

    /// <summary>Carrier selection codes, as dialled after the trunk 0.</summary>
    private static readonly string[] Carriers = ["12", "14", "15", "21", "21", "21", "31", "41", "41", "43"];

    private static readonly string[] FirstNames = ["Maria", "José", "Ana", "João", "Antônio", "Francisca", "Carlos", "Paulo", "Adriana", "Lucas", "Juliana", "Márcia"];
    private static readonly string[] LastNames = ["da Silva", "dos Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes"];

    private static readonly string[] Garbage =
    [
        "", " ", "n/a", "N/A", "sem telefone", "não tem", "123", "0", "00000000", "xxxxx", "(11)", "não informado", "tel:", "-", ".",
        "99999999999999999999", "11111111111", "email@exemplo.com.br", "ligar depois", "#N/D", "NULL",
    ];

    private static readonly string[] Foreign =
    [
        "+1 650 253 0000", "+351 912 345 678", "+44 20 7946 0958", "+54 9 11 2345-6789", "+34 612 34 56 78", "+1 (305) 555-0142",
        "00351 912 345 678", "00 1 305 555 0142", "+595 981 123456", "+598 94 123 456", "+39 312 345 6789", "+49 1512 3456789",
        "+1 407-555-0199", "0054 9 11 2345 6789", "+33 6 12 34 56 78", "+244 923 123 456", "+56 9 6123 4567", "+999 1234 5678",
    ];

    /// <summary>Words people put before a number.</summary>
    private static readonly string[] Labels = ["cel: ", "Cel ", "tel: ", "Tel. ", "whats ", "WhatsApp: ", "fone ", "celular: ", "zap "];

    /// <summary>Notes people put after a number.</summary>
    private static readonly string[] Notes = [" (whats)", " whatsapp", " (zap)", " - recado", " cel", " (trabalho)", " ramal 22", " r. 215"];

    private readonly Random random = new(seed);
    private readonly List<(int AreaCode, string Subscriber)> issued = [];
    private readonly StringBuilder text = new();

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
            // The same person typed again, most often another way.
            var (areaCode, subscriber) = issued[random.Next(issued.Count)];
            return Mobile(areaCode, subscriber);
        }

        if (roll < 80)
        {
            return Garbage[random.Next(Garbage.Length)];
        }

        if (roll < 105)
        {
            return Foreign[random.Next(Foreign.Length)];
        }

        if (roll < 115)
        {
            return random.Next(4) switch
            {
                0 => "0800 " + Digits(3) + " " + Digits(4),
                1 => "0800-" + Digits(3) + "-" + Digits(4),
                2 => "4004-" + Digits(4),
                _ => "0300 " + Digits(3) + " " + Digits(4),
            };
        }

        if (roll < 135)
        {
            // No area code: a mobile, or an old 8-digit one.
            return random.Next(3) switch
            {
                0 => "9" + random.Next(6, 10).ToString(CultureInfo.InvariantCulture) + Digits(3) + "-" + Digits(4),
                1 => "9 " + random.Next(6, 10).ToString(CultureInfo.InvariantCulture) + Digits(3) + "-" + Digits(4),
                _ => random.Next(6, 10).ToString(CultureInfo.InvariantCulture) + Digits(3) + "-" + Digits(4),
            };
        }

        var ddd = AreaCodes[random.Next(AreaCodes.Length)];
        if (roll < 215)
        {
            return Landline(ddd);
        }

        if (roll < 275)
        {
            // A pre-2016 mobile, still without its ninth digit.
            return Styled(ddd, random.Next(6, 10).ToString(CultureInfo.InvariantCulture) + Digits(7), eightDigits: true);
        }

        if (roll < 300)
        {
            return Invalid(ddd);
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

        return Mobile(ddd, mobile);
    }

    /// <summary>A 9-digit mobile in one of the many ways it is typed, now and then with words or marks around it.</summary>
    private string Mobile(int ddd, string mobile)
    {
        var raw = Styled(ddd, mobile, eightDigits: false);
        return random.Next(100) switch
        {
            < 6 => Labels[random.Next(Labels.Length)] + raw,
            < 11 => raw + Notes[random.Next(Notes.Length)],
            < 13 => FullWidth(raw),
            < 15 => "\u200E" + raw + "\u200E",
            < 17 => "'" + raw,
            < 19 => " " + raw + "  ",
            _ => raw,
        };
    }

    private string Landline(int ddd)
    {
        var number = random.Next(2, 6).ToString(CultureInfo.InvariantCulture) + Digits(7);
        return random.Next(8) switch
        {
            0 or 1 => $"({ddd}) {number[..4]}-{number[4..]}",
            2 => $"{ddd} {number[..4]}-{number[4..]}",
            3 => $"{ddd}{number}",
            4 => $"+55 {ddd} {number[..4]}-{number[4..]}",
            5 => $"0{ddd} {number[..4]}-{number[4..]}",
            6 => $"({ddd}) {number[..4]}-{number[4..]} ramal {random.Next(10, 400)}",
            _ => $"{ddd}.{number[..4]}.{number[4..]}",
        };
    }

    /// <summary>Numbers that are wrong in the ways real fields are wrong.</summary>
    private string Invalid(int ddd)
    {
        var mobile = "9" + random.Next(6, 10).ToString(CultureInfo.InvariantCulture) + Digits(7);
        return random.Next(6) switch
        {
            0 => $"({NotAreaCodes[random.Next(NotAreaCodes.Length)]}) {mobile[..5]}-{mobile[5..]}",
            1 => $"({ddd}) {mobile[..5]}-{mobile[5..8]}",
            2 => $"+55 {ddd} {mobile[..5]}-{mobile[5..]}{random.Next(10)}",
            3 => $"{ddd} {mobile[..5]}-{mobile[5..]} / {ddd} {random.Next(2, 6)}{Digits(3)}-{Digits(4)}",
            4 => $"{ddd} {mobile[..5]} ou {mobile[5..]}",
            _ => Digits(random.Next(4, 8)),
        };
    }

    /// <summary>DDD and subscriber with one of the separators, prefixes and groupings seen in real bases.</summary>
    private string Styled(int ddd, string subscriber, bool eightDigits)
    {
        var cut = subscriber.Length - 4;
        var (head, tail) = (subscriber[..cut], subscriber[cut..]);
        var split = eightDigits ? $"{head}-{tail}" : random.Next(6) == 0 ? $"{head[..1]} {head[1..]}-{tail}" : $"{head}-{tail}";
        return random.Next(24) switch
        {
            0 or 1 or 2 or 3 => $"({ddd}) {split}",
            4 or 5 => $"{ddd}{subscriber}",
            6 or 7 => $"+55 {ddd} {split}",
            8 => $"+55 ({ddd}) {split}",
            9 => $"+55{ddd}{subscriber}",
            10 => $"55{ddd}{subscriber}",
            11 => $"55 ({ddd}) {split}",
            12 => $"0055 {ddd} {head} {tail}",
            13 => $"00 55 {ddd} {split}",
            14 => $"0{ddd} {head} {tail}",
            15 => $"0{ddd}{subscriber}",
            16 => $"0 {Carriers[random.Next(Carriers.Length)]} {ddd} {split}",
            17 => $"0{Carriers[random.Next(Carriers.Length)]} {ddd} {split}",
            18 => $"0{Carriers[random.Next(Carriers.Length)]}{ddd}{subscriber}",
            19 => $"0xx{ddd} {split}",
            20 => $"{ddd} {head}.{tail}",
            21 => $"{ddd}.{head}.{tail}",
            22 => $"({ddd}){split}",
            _ => $"{ddd} {split}",
        };
    }

    /// <summary>The digits (and '+') in their full-width forms, as some phone keyboards and copied texts have them.</summary>
    private string FullWidth(string raw)
    {
        text.Clear();
        foreach (var c in raw)
        {
            text.Append(c switch
            {
                >= '0' and <= '9' => (char)('\uFF10' + (c - '0')),
                '+' => '\uFF0B',
                _ => c,
            });
        }

        return text.ToString();
    }

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

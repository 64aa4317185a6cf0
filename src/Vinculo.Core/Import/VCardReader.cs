using System.Globalization;
using System.Text;

namespace Vinculo.Import;

/// <summary>A number of a card, as written, and whether its type is a mobile one.</summary>
public sealed record VCardPhone(string Number, bool Mobile);

/// <summary>One contact of a <c>.vcf</c> file.</summary>
/// <param name="Line">The line its <c>BEGIN:VCARD</c> is on.</param>
/// <param name="Name"><c>FN</c>, else the parts of <c>N</c>; null when the card has neither.</param>
/// <param name="Phones">Its numbers, mobiles first, each kind in the card's order; never empty.</param>
public sealed record VCard(long Line, string? Name, IReadOnlyList<VCardPhone> Phones);

/// <summary>A card that could not be read, by the line it starts on, with the reason in Portuguese (never a number or a name).</summary>
public sealed record VCardProblem(long Line, string Reason);

/// <summary>
/// Reads contacts exported by phones and Google (vCard 2.1, 3.0 and 4.0, RFC 2426 and 6350): folded lines, quoted-printable
/// values (2.1, with their soft line breaks) in the charset they name, grouped properties (<c>item1.TEL</c>), bare 2.1
/// types (<c>TEL;CELL:</c>) and <c>tel:</c> URIs (4.0). Only the name and the numbers are read; photos and the rest are
/// skipped without being kept. A damaged card is reported by its line and the next card is read on.
/// </summary>
public static class VCardReader
{
    /// <summary>A property longer than this (once unfolded) is damage, not a name or a number.</summary>
    private const int MaxValueLength = 16 * 1024;

    private const int MaxPhonesPerCard = 100;

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Whether the text opens like a vCard file (first non-blank line <c>BEGIN:VCARD</c>).</summary>
    public static bool LooksLikeVCard(TextReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            var trimmed = ChatText.Trim(line);
            if (!trimmed.IsEmpty)
            {
                return trimmed.Equals("BEGIN:VCARD", StringComparison.OrdinalIgnoreCase);
            }
        }

        return false;
    }

    /// <summary>Each card, or the problem that kept it from being read, in file order.</summary>
    public static IEnumerable<(VCard? Card, VCardProblem? Problem)> Read(TextReader reader)
    {
        var lines = new LineSource(reader);
        Card? open = null;
        while (lines.Next() is { } property)
        {
            if (property.Name == "BEGIN" && property.Value.Equals("VCARD", StringComparison.OrdinalIgnoreCase))
            {
                if (open is not null)
                {
                    yield return (null, new VCardProblem(open.Line, "o cartão não termina com END:VCARD."));
                }

                open = new Card(property.Line);
                continue;
            }

            if (open is null)
            {
                continue;
            }

            if (property.Name == "END")
            {
                yield return open.Finish();
                open = null;
                continue;
            }

            open.Add(property);
        }

        if (open is not null)
        {
            yield return (null, new VCardProblem(open.Line, "o cartão não termina com END:VCARD (o arquivo acaba antes)."));
        }
    }

    /// <summary>A card being read.</summary>
    private sealed class Card(long line)
    {
        private readonly List<VCardPhone> phones = [];
        private string? formatted;
        private string? structured;
        private string? problem;

        public long Line { get; } = line;

        public void Add(Property property)
        {
            if (property.Problem is not null)
            {
                problem ??= property.Problem;
                return;
            }

            switch (property.Name)
            {
                case "FN":
                    formatted ??= Clean(Unescape(property.Value));
                    break;
                case "N":
                    structured ??= Clean(string.Join(' ', SplitStructured(property.Value) is var parts && parts.Count >= 2
                        ? new[] { Part(parts, 3), Part(parts, 1), Part(parts, 2), Part(parts, 0), Part(parts, 4) }
                        : parts.ToArray()));
                    break;
                case "TEL" when phones.Count < MaxPhonesPerCard:
                    var number = Clean(Unescape(property.Value));
                    if (number is not null && number.StartsWith("tel:", StringComparison.OrdinalIgnoreCase))
                    {
                        number = Clean(number[4..]);
                    }

                    if (number is not null)
                    {
                        phones.Add(new VCardPhone(number, property.Types.Any(type => type is "CELL" or "MOBILE" or "IPHONE")));
                    }

                    break;
            }
        }

        public (VCard?, VCardProblem?) Finish()
        {
            if (problem is not null)
            {
                return (null, new VCardProblem(Line, problem));
            }

            if (phones.Count == 0)
            {
                return (null, new VCardProblem(Line, "o cartão não tem número de telefone (TEL)."));
            }

            var ordered = phones.Where(phone => phone.Mobile).Concat(phones.Where(phone => !phone.Mobile)).ToList();
            return (new VCard(Line, formatted ?? structured, ordered), null);
        }

        private static string Part(List<string> parts, int index) => index < parts.Count ? parts[index] : "";
    }

    /// <summary>"Souza;Maria;;Dra.;" into its parts, escapes undone.</summary>
    private static List<string> SplitStructured(string value)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                current.Append(value[i..(i + 2)]);
                i++;
            }
            else if (value[i] == ';')
            {
                parts.Add(Unescape(current.ToString()));
                current.Clear();
            }
            else
            {
                current.Append(value[i]);
            }
        }

        parts.Add(Unescape(current.ToString()));
        return parts;
    }

    private static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                var next = value[++i];
                text.Append(next is 'n' or 'N' ? ' ' : next);
            }
            else
            {
                text.Append(value[i]);
            }
        }

        return text.ToString();
    }

    /// <summary>Trimmed of spaces, marks and control characters; null when nothing is left.</summary>
    private static string? Clean(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var text = new string(value.Where(c => !char.IsControl(c)).ToArray());
        var trimmed = ChatText.Trim(text);
        return trimmed.IsEmpty ? null : string.Join(' ', trimmed.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>One content line, unfolded and decoded.</summary>
    private sealed record Property(long Line, string Name, IReadOnlyList<string> Types, string Value, string? Problem = null);

    /// <summary>Physical lines into content lines: folding (a line that starts with a space or tab continues the last) and quoted-printable soft breaks.</summary>
    private sealed class LineSource(TextReader reader)
    {
        private string? pending;
        private long lineNumber;
        private long pendingNumber;

        public Property? Next()
        {
            while (true)
            {
                var (first, number) = Take();
                if (first is null)
                {
                    return null;
                }

                if (ChatText.IsBlank(first))
                {
                    continue;
                }

                var colon = first.IndexOf(':', StringComparison.Ordinal);
                var head = colon < 0 ? first : first[..colon];
                var (name, parameters) = Head(head);
                var wanted = name is "BEGIN" or "END" or "FN" or "N" or "TEL";
                var quotedPrintable = parameters.Any(p => p.Equals("ENCODING=QUOTED-PRINTABLE", StringComparison.OrdinalIgnoreCase) || p.Equals("QUOTED-PRINTABLE", StringComparison.OrdinalIgnoreCase));
                var value = new StringBuilder(colon < 0 ? "" : first[(colon + 1)..]);
                var tooLong = false;
                while (true)
                {
                    var softBreak = quotedPrintable && value.Length > 0 && value[^1] == '=';
                    var next = Peek();
                    if (next is null || !(softBreak || (next.Length > 0 && next[0] is ' ' or '\t')))
                    {
                        break;
                    }

                    Take();
                    if (softBreak)
                    {
                        value.Length--;
                        // Some phones indent the continuation of a soft break too.
                        next = next.TrimStart(' ', '\t');
                    }
                    else
                    {
                        next = next[1..];
                    }

                    if (wanted && value.Length + next.Length <= MaxValueLength)
                    {
                        value.Append(next);
                    }
                    else
                    {
                        tooLong |= wanted;
                    }
                }

                if (!wanted)
                {
                    continue;
                }

                if (colon < 0 || name.Length == 0)
                {
                    return new Property(number, "?", [], "", $"a linha {number} não é uma propriedade de vCard (falta ':').");
                }

                if (tooLong || value.Length > MaxValueLength)
                {
                    return new Property(number, name, [], "", $"a propriedade {name} da linha {number} é longa demais.");
                }

                var text = value.ToString();
                if (quotedPrintable)
                {
                    text = DecodeQuotedPrintable(text, Charset(parameters));
                }

                return new Property(number, name, Types(parameters), text);
            }
        }

        private (string? Line, long Number) Take()
        {
            if (pending is not null)
            {
                var line = pending;
                pending = null;
                return (line, pendingNumber);
            }

            var read = reader.ReadLine();
            return (read, read is null ? lineNumber : ++lineNumber);
        }

        private string? Peek()
        {
            if (pending is null && reader.ReadLine() is { } line)
            {
                pending = line;
                pendingNumber = ++lineNumber;
            }

            return pending;
        }
    }

    /// <summary>"item1.TEL;TYPE=CELL" into "TEL" and its parameters.</summary>
    private static (string Name, List<string> Parameters) Head(string head)
    {
        var parts = head.Split(';');
        var name = ChatText.Trim(parts[0]).ToString();
        var dot = name.LastIndexOf('.');
        if (dot >= 0)
        {
            name = name[(dot + 1)..];
        }

        return (name.ToUpperInvariant(), parts.Skip(1).Select(p => p.Trim()).ToList());
    }

    /// <summary>The types a property's parameters give it: <c>TYPE=CELL,VOICE</c>, <c>type=cell</c>, bare <c>CELL</c> (2.1).</summary>
    private static List<string> Types(List<string> parameters)
    {
        var types = new List<string>();
        foreach (var parameter in parameters)
        {
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                types.Add(parameter.ToUpperInvariant());
            }
            else if (parameter[..equals].Trim().Equals("TYPE", StringComparison.OrdinalIgnoreCase))
            {
                types.AddRange(parameter[(equals + 1)..].Trim('"').Split(',').Select(t => t.Trim().ToUpperInvariant()));
            }
        }

        return types;
    }

    private static string? Charset(List<string> parameters) =>
        parameters.Where(p => p.StartsWith("CHARSET=", StringComparison.OrdinalIgnoreCase)).Select(p => p[8..].Trim('"')).FirstOrDefault();

    /// <summary>"=C3=A1" into "á" in the named charset; UTF-8 unless the bytes are not valid UTF-8 (then Windows-1252).</summary>
    private static string DecodeQuotedPrintable(string value, string? charset)
    {
        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '=' && i + 2 < value.Length &&
                byte.TryParse(value.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }

        var raw = bytes.ToArray();
        var named = charset?.ToUpperInvariant() switch
        {
            null or "" => null,
            "UTF-8" or "UTF8" => Encoding.UTF8,
            "ISO-8859-1" or "LATIN1" or "WINDOWS-1252" or "CP1252" => CodePagesEncodingProvider.Instance.GetEncoding(1252),
            _ => null,
        };
        if (named is not null)
        {
            return named.GetString(raw);
        }

        try
        {
            return StrictUtf8.GetString(raw);
        }
        catch (DecoderFallbackException)
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(1252)!.GetString(raw);
        }
    }
}

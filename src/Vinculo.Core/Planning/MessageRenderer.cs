using System.Globalization;
using System.Text;
using Vinculo.Consent;

namespace Vinculo.Planning;

/// <summary>Why a body could not be rendered.</summary>
public enum RenderFailure
{
    /// <summary>Rendered.</summary>
    None,

    /// <summary>The content's body is empty or blank.</summary>
    EmptyBody,

    /// <summary>The body has a placeholder other than <c>{first_name}</c> and <c>{product}</c>: a typo, not text.</summary>
    UnknownPlaceholder,

    /// <summary>The body uses <c>{product}</c> and the person never bought anything.</summary>
    MissingProduct,

    /// <summary>The message would be longer than WhatsApp accepts (<see cref="MessageRenderer.MaxLength"/>).</summary>
    TooLong,
}

/// <summary>A rendered message, or why there is none.</summary>
/// <param name="Text">The message to send (<c>message_queue.body</c>), footer included; null on failure.</param>
/// <param name="TemplateParameters">
/// The values of the body's placeholders in order of appearance, one per occurrence, as a WhatsApp template's
/// {{1}}, {{2}}…; empty on failure.
/// </param>
/// <param name="Failure">What went wrong, or <see cref="RenderFailure.None"/>.</param>
/// <param name="Problem">On failure, a Portuguese sentence for <c>job_runs</c> saying what is wrong.</param>
public readonly record struct RenderedMessage(string? Text, IReadOnlyList<string> TemplateParameters, RenderFailure Failure, string? Problem)
{
    /// <summary>Whether <see cref="Text"/> holds a message.</summary>
    public bool IsRendered => Failure == RenderFailure.None;

    internal static RenderedMessage Failed(RenderFailure failure, string problem) => new(null, [], failure, problem);
}

/// <summary>
/// Fills a content's body in for one person (SPEC section 5) and adds the opt-out line. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Placeholders are <c>{first_name}</c> and <c>{product}</c> (case ignored, spaces inside the braces allowed).
/// Values are put in literally in one pass over the body and never read again, so a name or product containing braces
/// stays as it is. Any other word in braces (<c>{nome}</c>, <c>{{1}}</c>) fails the content rather than send a hole;
/// braces around anything that is not a single word ("{ }", "{:-)}") are text.</item>
/// <item><c>{first_name}</c> is <see cref="FirstName"/>. Without one, the placeholder goes away with the space before
/// it, and with a comma that would be left dangling: "Olá {first_name}, tudo bem?" and "Oi, {first_name}!" read
/// "Olá, tudo bem?" and "Oi!"; at the start of a line the punctuation after it goes too and the next letter is
/// capitalised ("{first_name}, temos novidades" reads "Temos novidades"). Mid-sentence uses ("para {first_name} e
/// família") cannot be mended: write the name as a vocative. A WhatsApp template cannot drop a parameter, so there it
/// becomes <see cref="TemplateNameFallback"/>.</item>
/// <item><c>{product}</c> is the last product bought, as stored. A person without one cannot get a body that uses it
/// (<see cref="RenderFailure.MissingProduct"/>): the planner should fall back to the person's next best content.</item>
/// <item>The opt-out footer (<c>Messaging:OptOutFooter</c>) is appended on a line of its own unless the body already
/// tells how to stop (<see cref="HasOptOutInstruction"/>), in its own words and still after rendering.</item>
/// </list>
/// </remarks>
public sealed class MessageRenderer
{
    /// <summary>The footer used when <c>Messaging:OptOutFooter</c> is not set.</summary>
    public const string DefaultOptOutFooter = "Para não receber mais mensagens, responda SAIR.";

    /// <summary>The longest text message WhatsApp accepts.</summary>
    public const int MaxLength = 4096;

    /// <summary>The template parameter that stands for a missing first name.</summary>
    public const string TemplateNameFallback = "cliente";

    private const string FirstNamePlaceholder = "first_name";
    private const string ProductPlaceholder = "product";

    /// <summary>Longest word between braces read as a placeholder; longer runs are text.</summary>
    private const int MaxPlaceholderLength = 40;

    /// <summary>Words that precede a name without being one ("Dra. Ana", "Dona Maria", "Seu Jorge").</summary>
    private static readonly HashSet<string> Honorifics = new(StringComparer.OrdinalIgnoreCase)
    {
        "sr", "sra", "srta", "dr", "dra", "prof", "profa", "dona", "seu",
    };

    /// <summary>Imperatives that introduce an opt-out instruction: "responda SAIR", "digite PARAR", "envie STOP".</summary>
    private static readonly HashSet<string> InstructionVerbs = new(StringComparer.Ordinal)
    {
        "responda", "responde", "responder", "digite", "digita", "digitar", "envie", "envia", "enviar", "mande", "manda",
        "mandar", "escreva", "escreve", "escrever", "reply", "text", "send", "type",
    };

    /// <summary>Words an opt-out instruction asks the person to write.</summary>
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "sair", "parar", "pare", "stop", "cancelar", "descadastrar", "remover",
    };

    /// <summary>How many words may stand between the verb and the stop word ("responda com a palavra SAIR").</summary>
    private const int InstructionReach = 4;

    /// <param name="optOutFooter"><c>Messaging:OptOutFooter</c>; null for <see cref="DefaultOptOutFooter"/>.</param>
    /// <exception cref="ArgumentException">The footer is invalid (<see cref="ValidateFooter"/>).</exception>
    public MessageRenderer(string? optOutFooter = null)
    {
        if (ValidateFooter(optOutFooter) is [var problem, ..])
        {
            throw new ArgumentException($"The opt-out footer: {problem}", nameof(optOutFooter));
        }

        OptOutFooter = optOutFooter?.Trim() ?? DefaultOptOutFooter;
    }

    /// <summary>The footer in use.</summary>
    public string OptOutFooter { get; }

    /// <summary>
    /// Whether each body seen carries the opt-out instruction in its own words: a night renders a few contents for many
    /// people, and the answer depends on the body alone. Bounded: past this many bodies, the rest are checked each time.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> bodiesInstructing = new(StringComparer.Ordinal);

    private const int BodiesRemembered = 1024;

    /// <summary>
    /// Problems with <c>Messaging:OptOutFooter</c>, as Portuguese messages that start with the value (the caller names the
    /// setting); null is the default and valid.
    /// The footer must itself say how to stop, so that the body check recognises it and people know what to write.
    /// </summary>
    public static IReadOnlyList<string> ValidateFooter(string? footer)
    {
        if (footer is null)
        {
            return [];
        }

        if (string.IsNullOrWhiteSpace(footer))
        {
            return [$"não pode ser vazio; a lei exige dizer como deixar de receber mensagens (padrão: '{DefaultOptOutFooter}')."];
        }

        return HasOptOutInstruction(footer)
            ? []
            : [$"'{footer}' deve dizer como deixar de receber mensagens, com uma instrução como 'responda SAIR'."];
    }

    /// <summary>
    /// The content-level problems of a body, the same for every person: empty, or an unknown placeholder. Null when the
    /// body can be rendered. The planner asks once per content and skips a content that fails, saying why in <c>job_runs</c>.
    /// </summary>
    public static string? Check(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return Problem(RenderFailure.EmptyBody, null);
        }

        for (var i = 0; i < body.Length; i++)
        {
            if (ReadPlaceholder(body, i) is (var name, var length))
            {
                if (!IsKnown(name))
                {
                    return Problem(RenderFailure.UnknownPlaceholder, body.Substring(i, length));
                }

                i += length - 1;
            }
        }

        return null;
    }

    /// <summary>Renders <paramref name="body"/> for one person.</summary>
    /// <param name="body">The content's body.</param>
    /// <param name="name">The person's name as stored (<c>contacts.name</c>).</param>
    /// <param name="lastProduct">The last product the person bought, or null.</param>
    public RenderedMessage Render(string? body, string? name, string? lastProduct)
    {
        if (Check(body) is { } problem)
        {
            return RenderedMessage.Failed(string.IsNullOrWhiteSpace(body) ? RenderFailure.EmptyBody : RenderFailure.UnknownPlaceholder, problem);
        }

        var firstName = FirstName(name);
        var product = string.IsNullOrWhiteSpace(lastProduct) ? null : lastProduct.Trim();
        var text = new StringBuilder(body!.Length + OptOutFooter.Length + 32);
        var parameters = new List<string>();
        var capitalizeNext = false;

        for (var i = 0; i < body.Length; i++)
        {
            if (ReadPlaceholder(body, i) is not (var placeholder, var length))
            {
                var c = body[i];
                if (capitalizeNext && char.IsLetter(c))
                {
                    c = char.ToUpperInvariant(c);
                    capitalizeNext = false;
                }
                else if (capitalizeNext && !IsSpace(c))
                {
                    capitalizeNext = false;
                }

                text.Append(c);
                continue;
            }

            var after = i + length;
            if (placeholder.Equals(ProductPlaceholder, StringComparison.OrdinalIgnoreCase))
            {
                if (product is null)
                {
                    return RenderedMessage.Failed(RenderFailure.MissingProduct, Problem(RenderFailure.MissingProduct, null));
                }

                text.Append(product);
                parameters.Add(product);
                capitalizeNext = false;
            }
            else if (firstName is not null)
            {
                text.Append(firstName);
                parameters.Add(firstName);
                capitalizeNext = false;
            }
            else
            {
                parameters.Add(TemplateNameFallback);
                after = OmitName(body, after, text);
                capitalizeNext = text.Length == 0 || text[^1] == '\n';
            }

            i = after - 1;
        }

        var rendered = text.ToString().Trim();
        if (rendered.Length == 0)
        {
            return RenderedMessage.Failed(RenderFailure.EmptyBody, "sem o nome da pessoa, a mensagem ficaria vazia.");
        }

        // The business's own text must carry the instruction (a product named "Responda SAIR" does not count), and it
        // must survive rendering readable ("responda SAIR{product}" reads "responda SAIRCafé").
        if (!BodyInstructs(body) || !HasOptOutInstruction(rendered))
        {
            rendered = rendered + "\n" + OptOutFooter;
        }

        return rendered.Length > MaxLength
            ? RenderedMessage.Failed(RenderFailure.TooLong, Problem(RenderFailure.TooLong, rendered.Length.ToString(CultureInfo.InvariantCulture)))
            : new RenderedMessage(rendered, parameters, RenderFailure.None, null);
    }

    private bool BodyInstructs(string body) =>
        bodiesInstructing.TryGetValue(body, out var instructs) ? instructs
        : bodiesInstructing.Count < BodiesRemembered ? bodiesInstructing.GetOrAdd(body, HasOptOutInstruction)
        : HasOptOutInstruction(body);

    /// <summary>
    /// The named parameters of the content's WhatsApp template for one person (SPEC section 5: the values filled into the
    /// body are the template's parameters): each placeholder the body uses, once, in the order it first appears, named
    /// <c>first_name</c> or <c>product</c> as the approved template names them. A template cannot drop a parameter, so a
    /// missing first name is <see cref="TemplateNameFallback"/>. Null when the body cannot be rendered for this person
    /// (empty, an unknown placeholder, or <c>{product}</c> for someone who never bought anything).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>>? TemplateValues(string? body, string? name, string? lastProduct)
    {
        if (Check(body) is not null)
        {
            return null;
        }

        var product = string.IsNullOrWhiteSpace(lastProduct) ? null : lastProduct.Trim();
        var values = new List<KeyValuePair<string, string>>(2);
        for (var i = 0; i < body!.Length; i++)
        {
            if (ReadPlaceholder(body, i) is not (var placeholder, var length))
            {
                continue;
            }

            i += length - 1;
            var key = placeholder.Equals(ProductPlaceholder, StringComparison.OrdinalIgnoreCase) ? ProductPlaceholder : FirstNamePlaceholder;
            if (values.Exists(v => v.Key == key))
            {
                continue;
            }

            if (key == ProductPlaceholder && product is null)
            {
                return null;
            }

            values.Add(new(key, key == ProductPlaceholder ? product! : FirstName(name) ?? TemplateNameFallback));
        }

        return values;
    }

    /// <summary>
    /// The first name to greet a person by, or null when the name gives none: the first word that has a letter, after
    /// honorifics ("Dra.", "Dona", "Seu") and without the decoration WhatsApp names carry around it ("~", "*", emoji,
    /// quotes, commas). A word written all in capitals or all in lower case is capitalised ("MARIA" → "Maria", "joão" →
    /// "João", "ana-maria" → "Ana-Maria"); one already in mixed case is kept as written ("McArthur"), and so is one with
    /// digits or braces ("{product}" stays literal).
    /// </summary>
    public static string? FirstName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        foreach (var token in name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var word = TrimDecoration(token);
            if (!word.Any(char.IsLetter) || Honorifics.Contains(word))
            {
                continue;
            }

            return Capitalize(word);
        }

        return null;
    }

    /// <summary>
    /// Whether a text already tells people how to stop: a verb such as "responda", "digite", "envie" or "mande" followed
    /// within a few words by "sair", "parar", "pare", "stop", "cancelar", "descadastrar" or "remover", case, accents and
    /// quotes ignored ("Responda \"SAIR\"", "basta digitar PARE", "envie a palavra Stop").
    /// </summary>
    public static bool HasOptOutInstruction(string? text)
    {
        var words = InboundText.Normalize(text).Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            if (!InstructionVerbs.Contains(words[i]))
            {
                continue;
            }

            for (var j = i + 1; j < words.Length && j <= i + InstructionReach; j++)
            {
                if (StopWords.Contains(words[j]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// A placeholder starting at <paramref name="start"/>: its name and its length in the body including braces; null when
    /// the text there is not "{", optional spaces, one word of letters, digits, '_' or '-', optional spaces, "}".
    /// </summary>
    private static (string Name, int Length)? ReadPlaceholder(string body, int start)
    {
        if (body[start] != '{')
        {
            return null;
        }

        var close = body.IndexOf('}', start + 1);
        if (close < 0 || close - start - 1 > MaxPlaceholderLength)
        {
            return null;
        }

        var inner = body.AsSpan(start + 1, close - start - 1).Trim(' ');
        if (inner.IsEmpty)
        {
            return null;
        }

        foreach (var c in inner)
        {
            if (!(char.IsLetterOrDigit(c) || c is '_' or '-'))
            {
                return null;
            }
        }

        return (inner.ToString(), close - start + 1);
    }

    private static bool IsKnown(string placeholder) =>
        placeholder.Equals(FirstNamePlaceholder, StringComparison.OrdinalIgnoreCase) ||
        placeholder.Equals(ProductPlaceholder, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Drops a missing name's surroundings: the spaces before it; the spaces after it when punctuation follows; a comma
    /// before it that the punctuation after it would leave dangling; and, at the start of a line, the punctuation and
    /// spaces after it. Returns where the body resumes.
    /// </summary>
    private static int OmitName(string body, int after, StringBuilder text)
    {
        while (text.Length > 0 && IsSpace(text[^1]))
        {
            text.Length--;
        }

        var look = after;
        while (look < body.Length && IsSpace(body[look]))
        {
            look++;
        }

        var next = look < body.Length ? body[look] : '\n';
        if (next is ',' or '.' or '!' or '?' or ';' or ':' or '\n' or '\r')
        {
            after = look;
            if (text.Length > 0 && text[^1] == ',')
            {
                text.Length--;
            }
        }

        if (text.Length == 0 || text[^1] == '\n')
        {
            while (after < body.Length && (IsSpace(body[after]) || body[after] is ',' or ';' or ':' or '!' or '.'))
            {
                after++;
            }
        }

        return after;
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\u00A0' or '\u202F';

    /// <summary>Trims what decorates a name in phone books and WhatsApp: punctuation, symbols, emoji; braces stay.</summary>
    private static string TrimDecoration(string token)
    {
        var start = 0;
        var end = token.Length;
        while (start < end && IsDecoration(token, start, out var width))
        {
            start += width;
        }

        while (end > start && IsDecoration(token, end - 1, out _))
        {
            end--;
        }

        return token[start..end];
    }

    private static bool IsDecoration(string text, int index, out int width)
    {
        var c = text[index];
        width = char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;
        if (c is '{' or '}')
        {
            return false;
        }

        // Emoji and their joiners and variation selectors come as surrogates, format characters and U+FE0x marks.
        return char.IsSurrogate(c) || c is >= '\uFE00' and <= '\uFE0F' || CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation or
            UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation or
            UnicodeCategory.OtherPunctuation or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or
            UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol or UnicodeCategory.Format or UnicodeCategory.Control => true,
            _ => false,
        };
    }

    private static string Capitalize(string word)
    {
        var hasUpper = false;
        var hasLower = false;
        foreach (var c in word)
        {
            if (char.IsLetter(c))
            {
                hasUpper |= char.IsUpper(c);
                hasLower |= char.IsLower(c);
            }
            else if (c is not ('-' or '\'' or '’') && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                return word;
            }
        }

        if (hasUpper && hasLower)
        {
            return word;
        }

        var result = new StringBuilder(word.Length);
        var startOfPart = true;
        foreach (var c in word)
        {
            result.Append(startOfPart && char.IsLetter(c) ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            startOfPart = c is '-' or '\'' or '’';
        }

        return result.ToString();
    }

    private static string Problem(RenderFailure failure, string? detail) => failure switch
    {
        RenderFailure.EmptyBody => "o texto do conteúdo está vazio.",
        RenderFailure.UnknownPlaceholder => $"o texto tem um marcador desconhecido, {detail}; os aceitos são {{first_name}} e {{product}}.",
        RenderFailure.MissingProduct => "o texto usa {product}, mas a pessoa não tem produto comprado registrado.",
        RenderFailure.TooLong => $"a mensagem ficaria com {detail} caracteres; o WhatsApp aceita até {MaxLength}.",
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, null),
    };
}

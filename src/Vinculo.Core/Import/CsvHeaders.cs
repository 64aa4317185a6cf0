namespace Vinculo.Import;

/// <summary>
/// Column names as people write them in a spreadsheet: any case, with or without accents, spaces, hyphens or
/// underscores, in English (SPEC section 7) or Portuguese.
/// </summary>
public static partial class CsvHeaders
{
    public const string Name = "name";
    public const string Phone = "phone";
    public const string ExternalRef = "external_ref";
    public const string Consent = "consent";
    public const string ConsentSource = "consent_source";
    public const string ConsentAt = "consent_at";

    /// <summary>Google Contacts' name parts, used when there is no single name column.</summary>
    public const string FirstName = "first_name";
    public const string MiddleName = "middle_name";
    public const string LastName = "last_name";

    private static readonly Dictionary<string, string> Aliases = Build(
        (Name, ["name", "nome", "nome_completo", "contato", "cliente"]),
        (Phone, ["phone", "phone_number", "telefone", "celular", "whatsapp", "fone", "numero", "numero_de_telefone", "telefone_celular"]),
        (ExternalRef, ["external_ref", "externalref", "external_id", "ref_externa", "referencia_externa", "id_externo", "codigo", "codigo_cliente"]),
        (Consent, ["consent", "consentimento", "opt_in", "optin", "aceite"]),
        (ConsentSource, ["consent_source", "origem_consentimento", "origem_do_consentimento", "fonte_consentimento", "fonte_do_consentimento"]),
        (ConsentAt, ["consent_at", "consent_date", "data_consentimento", "data_do_consentimento", "consentimento_em"]),
        (FirstName, ["first_name", "given_name", "primeiro_nome", "nome_proprio"]),
        (MiddleName, ["middle_name", "additional_name", "nome_do_meio"]),
        (LastName, ["last_name", "family_name", "sobrenome"]));

    /// <summary>
    /// Google Contacts' "Phone 1 - Type", "Phone 1 - Value" … "Phone N - Value" (also "Telefone 1 - Valor" in a Portuguese
    /// account): the value columns with their type columns, in column order.
    /// </summary>
    public static List<GooglePhoneColumn> GooglePhones(IReadOnlyList<string> headers)
    {
        var values = new SortedDictionary<int, int>();
        var types = new Dictionary<int, int>();
        for (var i = 0; i < headers.Count; i++)
        {
            var match = GoogleHeader().Match(Fold(headers[i]));
            if (match.Success)
            {
                var n = int.Parse(match.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
                IDictionary<int, int> target = match.Groups[2].Value is "value" or "valor" ? values : types;
                target.TryAdd(n, i);
            }
        }

        return [.. values.Select(v => new GooglePhoneColumn(v.Value, types.GetValueOrDefault(v.Key, -1)))];
    }

    [System.Text.RegularExpressions.GeneratedRegex("^(?:phone|telefone)_([0-9]{1,3})___(value|valor|type|tipo)$")]
    private static partial System.Text.RegularExpressions.Regex GoogleHeader();

    /// <summary>The column each known header stands for, by position; unknown headers are ignored.</summary>
    public static Dictionary<string, int> Map(IReadOnlyList<string> headers)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < headers.Count; i++)
        {
            if (Aliases.TryGetValue(Fold(headers[i]), out var column))
            {
                columns.TryAdd(column, i);
            }
        }

        return columns;
    }

    /// <summary>"Telefone Celular", " TELEFONE-celular ", "telefone_celular" all read "telefone_celular".</summary>
    public static string Fold(string header) =>
        ChatNames.Fold(header.Trim('\uFEFF', '"', '\'')).Replace(' ', '_').Replace('-', '_');

    private static Dictionary<string, string> Build(params (string Column, string[] Names)[] columns)
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (column, names) in columns)
        {
            foreach (var name in names)
            {
                aliases[name] = column;
            }
        }

        return aliases;
    }
}

/// <summary>One of Google Contacts' phone columns, with its type column (-1 when absent).</summary>
public sealed record GooglePhoneColumn(int Value, int Type)
{
    /// <summary>Google writes several numbers of one type into one cell, separated by " ::: ".</summary>
    private const string Separator = ":::";

    /// <summary>Every number of a row, mobiles first, each kind in column order.</summary>
    public static List<string> Numbers(IReadOnlyList<GooglePhoneColumn> columns, Func<int, string?> cell)
    {
        var mobiles = new List<string>();
        var others = new List<string>();
        foreach (var column in columns)
        {
            if (cell(column.Value) is not { } value)
            {
                continue;
            }

            var type = ChatNames.Fold(cell(column.Type) ?? "");
            var mobile = type.Contains("mobile", StringComparison.Ordinal) || type.Contains("celular", StringComparison.Ordinal) ||
                type.Contains("cell", StringComparison.Ordinal) || type.Contains("whatsapp", StringComparison.Ordinal);
            foreach (var number in value.Split(Separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                (mobile ? mobiles : others).Add(number);
            }
        }

        return [.. mobiles, .. others];
    }
}

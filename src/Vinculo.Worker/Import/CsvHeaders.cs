namespace Vinculo.Import;

/// <summary>
/// Column names as people write them in a spreadsheet: any case, with or without accents, spaces, hyphens or
/// underscores, in English (SPEC section 7) or Portuguese.
/// </summary>
internal static class CsvHeaders
{
    public const string Name = "name";
    public const string Phone = "phone";
    public const string ExternalRef = "external_ref";
    public const string Consent = "consent";
    public const string ConsentSource = "consent_source";
    public const string ConsentAt = "consent_at";

    private static readonly Dictionary<string, string> Aliases = Build(
        (Name, ["name", "nome", "nome_completo", "contato", "cliente"]),
        (Phone, ["phone", "phone_number", "telefone", "celular", "whatsapp", "fone", "numero", "numero_de_telefone", "telefone_celular"]),
        (ExternalRef, ["external_ref", "externalref", "external_id", "ref_externa", "referencia_externa", "id_externo", "codigo", "codigo_cliente"]),
        (Consent, ["consent", "consentimento", "opt_in", "optin", "aceite"]),
        (ConsentSource, ["consent_source", "origem_consentimento", "origem_do_consentimento", "fonte_consentimento", "fonte_do_consentimento"]),
        (ConsentAt, ["consent_at", "consent_date", "data_consentimento", "data_do_consentimento", "consentimento_em"]));

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

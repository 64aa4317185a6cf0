namespace Vinculo.Consent;

/// <summary>The values of <c>consents.source</c> and <c>consent_events.source</c>: where a consent came from.</summary>
public static class ConsentSources
{
    /// <summary>A sign-up form (site, shop counter, loyalty card).</summary>
    public const string Form = "form";

    /// <summary>A message from the person's own number (an opt-in keyword; also opt-outs and WhatsApp's stop button).</summary>
    public const string WhatsApp = "whatsapp";

    /// <summary>A contact CSV file with a consent column.</summary>
    public const string Import = "import";

    /// <summary>A WhatsApp chat export, when <c>Import:ChatGrantsConsent</c> is true.</summary>
    public const string Chat = "chat";

    public const string Other = "other";
}

namespace Vinculo.Consent;

public enum InboundIntentKind
{
    /// <summary>Any other message: it keeps consent fresh but neither grants nor revokes it.</summary>
    Interaction,

    /// <summary>A request to stop: revokes consent for the sending number.</summary>
    OptOut,

    /// <summary>An opt-in keyword: grants or renews consent (source <c>whatsapp</c>).</summary>
    OptIn,
}

/// <summary>What an inbound message asks for, and which rule decided it, so that the decision can be explained.</summary>
/// <param name="Kind">Opt-out, opt-in or plain interaction.</param>
/// <param name="Rule">A short stable code (<see cref="InboundRules"/>), meant for <c>inbound_messages.outcome</c>.</param>
public readonly record struct InboundIntent(InboundIntentKind Kind, string Rule);

/// <summary>
/// The codes in <see cref="InboundIntent.Rule"/>. Keyword codes carry the keyword in its normalised form, with hyphens
/// for spaces: "keyword:sair", "keyword:nao-quero-mais", "variant:sair".
/// </summary>
public static class InboundRules
{
    /// <summary>No text once punctuation, symbols and emoji are gone ("👍", "?", an image caption left blank).</summary>
    public const string Empty = "empty";

    /// <summary>An opt-in keyword asked as a question ("Sim?"): an interaction, since consent must be an affirmation.</summary>
    public const string Question = "question";

    /// <summary>No rule matched: an interaction.</summary>
    public const string None = "none";

    /// <summary>The message is made of keywords (and courtesies such as "por favor"), each written exactly.</summary>
    public const string KeywordPrefix = "keyword:";

    /// <summary>
    /// As <see cref="KeywordPrefix"/>, but at least one keyword was written another accepted way: emphasis ("sairrr",
    /// "siiim"), a common abbreviation ("n quero"), the imperative without the final r ("sai", "para", "cancela"), or
    /// one slip of a finger in a long keyword ("descadastar").
    /// </summary>
    public const string VariantPrefix = "variant:";

    /// <summary>"apaga meus dados", "exclua meu cadastro": an opt-out that also asks for erasure (LGPD art. 18).</summary>
    public const string EraseData = "phrase:erase-data";

    /// <summary>"não autorizei vocês a me mandarem mensagem", "nunca me cadastrei".</summary>
    public const string NoConsent = "phrase:no-consent";

    /// <summary>"quero sair da lista", "como faço pra sair?", "gostaria de ser removida".</summary>
    public const string Leave = "phrase:leave";

    /// <summary>"pode me tirar", "me remove da lista", "tira meu número", "cancela".</summary>
    public const string RemoveMe = "phrase:remove-me";

    /// <summary>"para de mandar mensagem", "parem com isso", "chega de propaganda", "pode parar".</summary>
    public const string StopSending = "phrase:stop-sending";

    /// <summary>"não me mande mais", "nunca mais me mande mensagem".</summary>
    public const string DoNotSend = "phrase:do-not-send";

    /// <summary>"não quero receber", "não quero mais mensagens", "quero não".</summary>
    public const string DoNotWant = "phrase:do-not-want";

    /// <summary>"não tenho interesse", "sem interesse", "não me interessa".</summary>
    public const string NoInterest = "phrase:no-interest";
}

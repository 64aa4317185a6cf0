namespace Vinculo.Dispatch;

/// <summary>A message as claimed, with its contact and content.</summary>
public sealed class ClaimedRow
{
    public long MessageId { get; set; }

    public long ContactId { get; set; }

    public long ContentId { get; set; }

    public string? Number { get; set; }

    public DateTimeOffset ScheduledAt { get; set; }

    public string? Body { get; set; }

    public string? TemplateParams { get; set; }

    public int Attempts { get; set; }

    public string? Name { get; set; }

    public string? ContactNumber { get; set; }

    public string? PhoneHash { get; set; }

    public string PhoneStatus { get; set; } = "";

    public string? TimeZone { get; set; }

    public DateTimeOffset? ErasedAt { get; set; }

    public long? ContentFound { get; set; }

    public string? ContentBody { get; set; }

    public string? TemplateName { get; set; }

    public string? TemplateLanguage { get; set; }

    public bool? Active { get; set; }

    public DateTimeOffset? PausedAt { get; set; }

    public DateTimeOffset? StartsAt { get; set; }

    public DateTimeOffset? EndsAt { get; set; }
}

/// <summary>A granted consent of a live row of a claimed message's number, with the row's own last interaction.</summary>
public sealed class ConsentRow
{
    public string Number { get; set; } = "";

    public long ContactId { get; set; }

    public DateTimeOffset? LastInteractionAt { get; set; }

    public DateTimeOffset? GrantedAt { get; set; }

    public DateTimeOffset? LastConfirmedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }
}

/// <summary>Another message to a claimed number being sent or already out: what the cap weighs.</summary>
public sealed class OnTheWayRow
{
    public long MessageId { get; set; }

    public string Number { get; set; } = "";

    public string Status { get; set; } = "";

    public DateTimeOffset ScheduledAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }
}

/// <summary>What a claimed batch's re-check reads, gathered set-based.</summary>
public sealed class ClaimFacts(List<ClaimedRow> messages)
{
    public List<ClaimedRow> Messages { get; } = messages;

    public List<ConsentRow> Consents { get; } = [];

    public Dictionary<long, DateTimeOffset> LastActivity { get; } = [];

    public HashSet<string> SuppressedHashes { get; } = new(StringComparer.Ordinal);

    public List<OnTheWayRow> OnTheWay { get; } = [];

    /// <summary>Numbers whose person wrote in the last 24 hours: their customer-service window is open.</summary>
    public HashSet<string> WroteRecently { get; } = new(StringComparer.Ordinal);

    public Dictionary<long, (string Product, DateTimeOffset At)> LastProducts { get; } = [];

    /// <summary>Every hash a message's number may be suppressed under: each WhatsApp form of it, and the contact's stored hash.</summary>
    public HashSet<string> Hashes()
    {
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in Messages)
        {
            hashes.UnionWith(Privacy.PhoneHash.OfEveryForm(message.Number));
            if (!string.IsNullOrEmpty(message.PhoneHash))
            {
                hashes.Add(message.PhoneHash);
            }
        }

        return hashes;
    }

    /// <summary>The forms an inbound sender may be written in (WhatsApp id digits, E.164), each mapped to the message's number.</summary>
    public Dictionary<string, string> SenderForms()
    {
        var forms = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var number in Messages.Select(m => m.Number).Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.Ordinal))
        {
            foreach (var form in Phones.WhatsAppNumbers.MatchingE164(number))
            {
                forms.TryAdd(form, number!);
                forms.TryAdd(form.TrimStart('+'), number!);
            }
        }

        return forms;
    }
}

/// <summary>The re-check's verdicts on one claimed batch.</summary>
public sealed class ClaimVerdicts
{
    public List<(long Id, string Reason)> Cancel { get; } = [];

    public List<(long Id, DateTimeOffset NotBefore)> Wait { get; } = [];

    public List<ReadyMessage> Send { get; } = [];
}

/// <summary>A claimed message that passed its re-check, with what to send (and its template form, should the window turn out closed).</summary>
public sealed record ReadyMessage(ClaimedRow Row, OutboundMessage Message, OutboundMessage? AsTemplate, string? RenderedBody, string? TemplateParamsJson);

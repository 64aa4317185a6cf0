using System.Globalization;
using Microsoft.Extensions.Options;

namespace Vinculo.Planning;

/// <summary>The <c>Messaging</c> section: what <c>plan-messages</c> may queue, for whom, and when.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary>Largest <see cref="DailyLimit"/>: the planner keeps the day's best messages in memory until it has seen everyone.</summary>
    public const int MaxDailyLimit = 1_000_000;

    /// <summary>No message to a number within this many days (before or after) of another one.</summary>
    public int FrequencyCapDays { get; set; } = FrequencyCap.DefaultDays;

    /// <summary>A person's best content is queued only when its relevance reaches this (0–1).</summary>
    public double MinRelevance { get; set; } = 0.35;

    /// <summary>Business-initiated messages per send day, all contents together; the most relevant go first.</summary>
    public int DailyLimit { get; set; } = 250;

    /// <summary>The hour (0–23, in the contact's zone) of people whose habit is not known yet.</summary>
    public int DefaultHour { get; set; } = 10;

    /// <summary>Weekdays and local hours messages may go out in, in each contact's own time zone.</summary>
    public string SendWindow { get; set; } = Planning.SendWindow.DefaultText;

    /// <summary>ISO dates (2026-12-24) on which nothing is sent, besides national holidays.</summary>
    public string[] BlockedDates { get; set; } = [];

    /// <summary>The opt-out line added to bodies that do not already say how to stop; unset is the renderer's default.</summary>
    public string? OptOutFooter { get; set; }

    /// <summary><c>Messaging:Weights:*</c>.</summary>
    public RelevanceWeights Weights { get; set; } = new();

    /// <summary>Contacts read and evaluated per batch.</summary>
    public int BatchSize { get; set; } = 10_000;

    /// <summary>The window and blocked dates, parsed; throws when invalid (the start-up check reports it first).</summary>
    public SendWindow ParseWindow() =>
        Planning.SendWindow.TryParse(SendWindow, BlockedDates, out var window, out var errors)
            ? window
            : throw new OptionsValidationException(Section, typeof(MessagingOptions), errors);

    public HabitualHourOptions HourOptions => new() { DefaultHour = DefaultHour };
}

internal sealed class MessagingOptionsValidator : IValidateOptions<MessagingOptions>
{
    public ValidateOptionsResult Validate(string? name, MessagingOptions options)
    {
        var failures = new List<string>();
        if (options.FrequencyCapDays is < 1 or > FrequencyCap.MaxDays)
        {
            failures.Add($"Messaging:FrequencyCapDays: '{options.FrequencyCapDays}' deve estar entre 1 e {FrequencyCap.MaxDays} dias.");
        }

        if (!(options.MinRelevance is >= 0 and <= 1))
        {
            failures.Add($"Messaging:MinRelevance: '{options.MinRelevance.ToString(CultureInfo.InvariantCulture)}' deve ser um número entre 0 e 1 (ex.: 0.35).");
        }

        if (options.DailyLimit is < 1 or > MessagingOptions.MaxDailyLimit)
        {
            failures.Add($"Messaging:DailyLimit: '{options.DailyLimit}' deve estar entre 1 e {MessagingOptions.MaxDailyLimit}.");
        }

        failures.AddRange(options.HourOptions.Validate());
        if (!SendWindow.TryParse(options.SendWindow, options.BlockedDates, out _, out var windowErrors))
        {
            failures.AddRange(windowErrors);
        }

        failures.AddRange(MessageRenderer.ValidateFooter(options.OptOutFooter));
        failures.AddRange((options.Weights ?? new RelevanceWeights()).Validate());
        if (options.BatchSize is < 100 or > 100_000)
        {
            failures.Add($"Messaging:BatchSize: '{options.BatchSize}' deve estar entre 100 e 100000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

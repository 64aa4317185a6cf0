using Vinculo.Consent;
using Vinculo.Dispatch;
using Vinculo.Phones;
using Vinculo.Planning;
using Xunit;

namespace Vinculo.Core.Tests.Dispatch;

public sealed class SendRecheckTests
{
    private const int MaxIdleDays = ConsentFreshness.DefaultMaxIdleDays;
    private const string Number = "+5511987654321";

    private static readonly DateTimeOffset Now = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private static readonly ContactActivity NoActivity = new(null, null);
    private static readonly SendTimeCheck WindowOpen = new(SendTimeStatus.Open, SendDayStatus.Open, null);
    private static readonly RecheckContent TemplatedContent = new(Active: true, PausedAt: null, StartsAt: null, EndsAt: null, HasTemplate: true);

    private static readonly RecheckDecision SendAsTemplate = new(RecheckVerdict.Send, null, SentAs.Template, null);
    private static readonly RecheckDecision SendAsSession = new(RecheckVerdict.Send, null, SentAs.Session, null);

    private static (ConsentState, ContactActivity) Consent(
        DateTimeOffset? grantedAt, DateTimeOffset? expiresAt = null, string status = ConsentStatuses.Granted, ContactActivity? activity = null) =>
        (new ConsentState(status, grantedAt, null, expiresAt), activity ?? NoActivity);

    private static readonly (ConsentState, ContactActivity) FreshConsent = Consent(Now.AddDays(-30));
    private static readonly (ConsentState, ContactActivity) IdleConsent = Consent(Now.AddDays(-MaxIdleDays - 1));
    private static readonly (ConsentState, ContactActivity) ExpiredConsent = Consent(Now.AddDays(-30), expiresAt: Now.AddDays(-1));

    /// <summary>Facts that pass every check: outside the 24-hour window, with a template and its values.</summary>
    private static RecheckFacts Sendable() => new(
        MessageNumber: Number,
        ContactNumber: Number,
        ContactStatus: PhoneStatuses.Valid,
        ContactErased: false,
        Suppressed: false,
        Consents: [FreshConsent],
        Content: TemplatedContent,
        SendTime: WindowOpen,
        Capped: false,
        SessionOpen: false,
        HasText: true,
        HasTemplateValues: true);

    private static RecheckDecision Decide(RecheckFacts facts, bool preferSession = true, int maxIdleDays = MaxIdleDays) =>
        SendRecheck.Decide(facts, Now, maxIdleDays, preferSession);

    private static void AssertCancelled(string reason, RecheckFacts facts)
    {
        var decision = Decide(facts);
        Assert.Equal(RecheckDecision.Cancel(reason), decision);
        Assert.Equal(RecheckVerdict.Cancel, decision.Verdict);
        Assert.Null(decision.SentAs);
        Assert.Null(decision.WaitUntil);
    }

    [Fact]
    public void Decide_Sends_WhenEveryCheckPasses() =>
        Assert.Equal(SendAsTemplate, Decide(Sendable()));

    [Fact]
    public void Decide_RejectsNullFacts() =>
        Assert.Throws<ArgumentNullException>(() => SendRecheck.Decide(null!, Now, MaxIdleDays, preferSession: true));

    // Contact and number

    [Fact]
    public void Decide_Cancels_WhenTheContactWasErased() =>
        AssertCancelled(DispatchReasons.ContactErased, Sendable() with { ContactErased = true });

    [Theory]
    [InlineData(Number, "+5511912345678")]
    [InlineData(Number, "+551187654321")]
    [InlineData(Number, " +5511987654321")]
    [InlineData(Number, null)]
    public void Decide_Cancels_WhenTheNumberIsNotExactlyTheContactsNumberNow(string? messageNumber, string? contactNumber) =>
        AssertCancelled(DispatchReasons.PhoneChanged, Sendable() with { MessageNumber = messageNumber, ContactNumber = contactNumber });

    [Theory]
    [InlineData(null, Number)]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData("", Number)]
    public void Decide_Cancels_WhenTheMessageHasNoNumber(string? messageNumber, string? contactNumber) =>
        AssertCancelled(DispatchReasons.NoNumber, Sendable() with { MessageNumber = messageNumber, ContactNumber = contactNumber });

    [Theory]
    [InlineData(PhoneStatuses.Unchecked)]
    [InlineData(PhoneStatuses.Landline)]
    [InlineData(PhoneStatuses.Invalid)]
    [InlineData(PhoneStatuses.Duplicate)]
    [InlineData(PhoneStatuses.Unreachable)]
    [InlineData("VALID")]
    [InlineData("")]
    public void Decide_Cancels_WhenThePhoneIsNoLongerValid(string status) =>
        AssertCancelled(DispatchReasons.PhoneNotValid, Sendable() with { ContactStatus = status });

    [Fact]
    public void Decide_Sends_ToARepairedNumber() =>
        Assert.Equal(SendAsTemplate, Decide(Sendable() with { ContactStatus = PhoneStatuses.Repaired }));

    [Theory]
    [InlineData(true)]
    [InlineData(null)]
    public void Decide_Cancels_WhenSuppressedOrWhenSuppressionCouldNotBeChecked(bool? suppressed) =>
        AssertCancelled(DispatchReasons.Suppressed, Sendable() with { Suppressed = suppressed });

    // Consent

    [Fact]
    public void Decide_Cancels_WithoutAnyConsent() =>
        AssertCancelled(DispatchReasons.NoConsent, Sendable() with { Consents = [] });

    [Fact]
    public void Decide_Cancels_WhenTheConsentExpired()
    {
        AssertCancelled(DispatchReasons.ConsentNotFresh, Sendable() with { Consents = [ExpiredConsent] });
        AssertCancelled(DispatchReasons.ConsentNotFresh, Sendable() with { Consents = [Consent(Now.AddDays(-30), expiresAt: Now)] });
        Assert.Equal(SendAsTemplate, Decide(Sendable() with { Consents = [Consent(Now.AddDays(-30), expiresAt: Now + Tick)] }));
    }

    [Fact]
    public void Decide_Cancels_WhenTheConsentIsIdleForMaxIdleDays()
    {
        AssertCancelled(DispatchReasons.ConsentNotFresh, Sendable() with { Consents = [IdleConsent] });
        AssertCancelled(DispatchReasons.ConsentNotFresh, Sendable() with { Consents = [Consent(Now.AddDays(-MaxIdleDays))] });
        Assert.Equal(SendAsTemplate, Decide(Sendable() with { Consents = [Consent(Now.AddDays(-MaxIdleDays) + Tick)] }));
    }

    [Fact]
    public void Decide_CountsIdleDaysFromTheLatestActivity()
    {
        var recentlyActive = Consent(Now.AddDays(-MaxIdleDays - 100), activity: new ContactActivity(Now.AddDays(-3), null));
        var recentlyBought = Consent(Now.AddDays(-MaxIdleDays - 100), activity: new ContactActivity(null, Now.AddDays(-3)));
        Assert.Equal(SendAsTemplate, Decide(Sendable() with { Consents = [recentlyActive] }));
        Assert.Equal(SendAsTemplate, Decide(Sendable() with { Consents = [recentlyBought] }));
    }

    [Fact]
    public void Decide_UsesTheMaxIdleDaysGiven()
    {
        var facts = Sendable() with { Consents = [Consent(Now.AddDays(-40))] };
        Assert.Equal(SendAsTemplate, Decide(facts, maxIdleDays: 365));
        Assert.Equal(RecheckDecision.Cancel(DispatchReasons.ConsentNotFresh), Decide(facts, maxIdleDays: 30));
    }

    [Theory]
    [InlineData(ConsentStatuses.Revoked)]
    [InlineData(ConsentStatuses.Expired)]
    [InlineData("GRANTED")]
    public void Decide_Cancels_WhenTheOnlyConsentIsNotGranted(string status) =>
        AssertCancelled(DispatchReasons.ConsentNotFresh, Sendable() with { Consents = [Consent(Now.AddDays(-1), status: status)] });

    [Fact]
    public void Decide_Cancels_AGrantedConsentWithNoDateToCountFrom() =>
        AssertCancelled(DispatchReasons.ConsentNotFresh, Sendable() with { Consents = [Consent(grantedAt: null)] });

    [Fact]
    public void Decide_Cancels_WhenEveryConsentIsStale() =>
        AssertCancelled(DispatchReasons.ConsentNotFresh, Sendable() with { Consents = [IdleConsent, ExpiredConsent, Consent(Now.AddDays(-1), status: ConsentStatuses.Revoked)] });

    [Fact]
    public void Decide_Sends_WhenAnyOneConsentAmongSeveralIsFresh()
    {
        Assert.Equal(SendAsTemplate, Decide(Sendable() with { Consents = [IdleConsent, ExpiredConsent, FreshConsent] }));
        Assert.Equal(SendAsTemplate, Decide(Sendable() with { Consents = [FreshConsent, IdleConsent] }));
        Assert.Equal(SendAsTemplate, Decide(Sendable() with { Consents = [ExpiredConsent, FreshConsent, ExpiredConsent] }));
    }

    // Content

    [Fact]
    public void Decide_Cancels_WhenTheContentNoLongerExists() =>
        AssertCancelled(DispatchReasons.ContentInactive, Sendable() with { Content = null });

    [Fact]
    public void Decide_Cancels_WhenTheContentWasSwitchedOff() =>
        AssertCancelled(DispatchReasons.ContentInactive, Sendable() with { Content = TemplatedContent with { Active = false } });

    [Fact]
    public void Decide_Cancels_WhenTheContentIsPaused() =>
        AssertCancelled(DispatchReasons.ContentPaused, Sendable() with { Content = TemplatedContent with { PausedAt = Now.AddHours(-1) } });

    [Fact]
    public void Decide_Cancels_BeforeTheContentStarts_AndSendsFromItsFirstTick()
    {
        AssertCancelled(DispatchReasons.ContentNotValid, Sendable() with { Content = TemplatedContent with { StartsAt = Now + Tick } });
        Assert.Equal(SendAsTemplate, Decide(Sendable() with { Content = TemplatedContent with { StartsAt = Now } }));
    }

    [Fact]
    public void Decide_Cancels_FromTheInstantTheContentEnds()
    {
        AssertCancelled(DispatchReasons.ContentNotValid, Sendable() with { Content = TemplatedContent with { EndsAt = Now } });
        AssertCancelled(DispatchReasons.ContentNotValid, Sendable() with { Content = TemplatedContent with { EndsAt = Now.AddDays(-2) } });
        Assert.Equal(SendAsTemplate, Decide(Sendable() with { Content = TemplatedContent with { EndsAt = Now + Tick } }));
        Assert.Equal(SendAsTemplate, Decide(Sendable() with { Content = TemplatedContent with { StartsAt = Now.AddDays(-1), EndsAt = Now.AddDays(1) } }));
    }

    // Send time and cap

    [Fact]
    public void Decide_Cancels_AMissedWindow() =>
        AssertCancelled(DispatchReasons.MissedWindow, Sendable() with { SendTime = new SendTimeCheck(SendTimeStatus.Missed, SendDayStatus.Open, null) });

    [Theory]
    [InlineData(SendDayStatus.ClosedWeekday, DispatchReasons.ClosedWeekday)]
    [InlineData(SendDayStatus.NationalHoliday, DispatchReasons.Holiday)]
    [InlineData(SendDayStatus.BlockedDate, DispatchReasons.BlockedDate)]
    [InlineData(SendDayStatus.NoLocalTime, DispatchReasons.MissedWindow)]
    public void Decide_Cancels_AClosedDay_SayingWhyItIsClosed(SendDayStatus day, string reason) =>
        AssertCancelled(reason, Sendable() with { SendTime = new SendTimeCheck(SendTimeStatus.ClosedDay, day, null) });

    [Fact]
    public void Decide_Waits_UntilTheWindowOpens()
    {
        var opensAt = Now.AddHours(3);
        var decision = Decide(Sendable() with { SendTime = new SendTimeCheck(SendTimeStatus.NotYetOpen, SendDayStatus.Open, opensAt) });
        Assert.Equal(new RecheckDecision(RecheckVerdict.Wait, null, null, opensAt), decision);
    }

    [Fact]
    public void Decide_Waits_RatherThanCancelForTheCap_WhenTheWindowHasNotOpened()
    {
        var opensAt = Now.AddHours(3);
        var facts = Sendable() with { SendTime = new SendTimeCheck(SendTimeStatus.NotYetOpen, SendDayStatus.Open, opensAt), Capped = true };
        Assert.Equal(new RecheckDecision(RecheckVerdict.Wait, null, null, opensAt), Decide(facts));
    }

    [Fact]
    public void Decide_Cancels_AWaitingMessage_WhoseConsentIsStale() =>
        AssertCancelled(DispatchReasons.ConsentNotFresh, Sendable() with
        {
            SendTime = new SendTimeCheck(SendTimeStatus.NotYetOpen, SendDayStatus.Open, Now.AddHours(3)),
            Consents = [IdleConsent],
        });

    [Fact]
    public void Decide_Cancels_WithinTheFrequencyCap()
    {
        AssertCancelled(DispatchReasons.FrequencyCap, Sendable() with { Capped = true });
        AssertCancelled(DispatchReasons.FrequencyCap, Sendable() with { Capped = true, SessionOpen = true });
    }

    // Precedence

    /// <summary>Each check with a way to fail it, in the order <see cref="SendRecheck.Decide"/> makes them.</summary>
    private static readonly (string Reason, Func<RecheckFacts, RecheckFacts> Fail)[] ChecksInOrder =
    [
        (DispatchReasons.ContactErased, facts => facts with { ContactErased = true }),
        (DispatchReasons.PhoneChanged, facts => facts with { ContactNumber = "+5511912345678" }),
        (DispatchReasons.PhoneNotValid, facts => facts with { ContactStatus = PhoneStatuses.Landline }),
        (DispatchReasons.Suppressed, facts => facts with { Suppressed = true }),
        (DispatchReasons.NoConsent, facts => facts with { Consents = [] }),
        (DispatchReasons.ConsentNotFresh, facts => facts with { Consents = [IdleConsent, ExpiredConsent] }),
        (DispatchReasons.ContentInactive, facts => facts with { Content = facts.Content! with { Active = false } }),
        (DispatchReasons.ContentPaused, facts => facts with { Content = facts.Content! with { PausedAt = Now.AddDays(-1) } }),
        (DispatchReasons.ContentNotValid, facts => facts with { Content = facts.Content! with { EndsAt = Now.AddDays(-1) } }),
        (DispatchReasons.MissedWindow, facts => facts with { SendTime = new SendTimeCheck(SendTimeStatus.Missed, SendDayStatus.Open, null) }),
        (DispatchReasons.FrequencyCap, facts => facts with { Capped = true }),
        (DispatchReasons.NoTemplate, facts => facts with { Content = facts.Content! with { HasTemplate = false } }),
    ];

    public static TheoryData<int> CheckIndexes() => [.. Enumerable.Range(0, ChecksInOrder.Length)];

    /// <summary>With this check and every later one failing, this check's reason is the one given.</summary>
    [Theory]
    [MemberData(nameof(CheckIndexes))]
    public void Decide_GivesTheFirstFailingChecksReason(int index)
    {
        var facts = Sendable();
        for (var i = ChecksInOrder.Length - 1; i >= index; i--)
        {
            facts = ChecksInOrder[i].Fail(facts);
        }

        AssertCancelled(ChecksInOrder[index].Reason, facts);
    }

    [Theory]
    [MemberData(nameof(CheckIndexes))]
    public void Decide_GivesEachReason_WhenOnlyThatCheckFails(int index) =>
        AssertCancelled(ChecksInOrder[index].Reason, ChecksInOrder[index].Fail(Sendable()));

    [Fact]
    public void Decide_ChecksTheSendTime_AfterTheContent()
    {
        var facts = Sendable() with
        {
            Content = TemplatedContent with { PausedAt = Now.AddDays(-1) },
            SendTime = new SendTimeCheck(SendTimeStatus.ClosedDay, SendDayStatus.NationalHoliday, null),
        };
        AssertCancelled(DispatchReasons.ContentPaused, facts);
        AssertCancelled(DispatchReasons.Holiday, facts with { Content = TemplatedContent, Capped = true });
    }

    // Session or template

    [Theory]
    // Inside the 24-hour window with text: session when preferred or when no template can go.
    [InlineData(true, true, true, true, true, SentAs.Session)]
    [InlineData(true, true, true, true, false, SentAs.Template)]
    [InlineData(true, true, true, false, true, SentAs.Session)]
    [InlineData(true, true, true, false, false, SentAs.Session)]
    [InlineData(true, true, false, true, true, SentAs.Session)]
    [InlineData(true, true, false, true, false, SentAs.Session)]
    [InlineData(true, true, false, false, true, SentAs.Session)]
    [InlineData(true, true, false, false, false, SentAs.Session)]
    // Inside the window without text: only the template.
    [InlineData(true, false, true, true, true, SentAs.Template)]
    [InlineData(true, false, true, true, false, SentAs.Template)]
    [InlineData(true, false, true, false, true, DispatchReasons.NotRenderable)]
    [InlineData(true, false, true, false, false, DispatchReasons.NotRenderable)]
    [InlineData(true, false, false, true, true, DispatchReasons.NotRenderable)]
    [InlineData(true, false, false, true, false, DispatchReasons.NotRenderable)]
    [InlineData(true, false, false, false, true, DispatchReasons.NotRenderable)]
    [InlineData(true, false, false, false, false, DispatchReasons.NotRenderable)]
    // Outside the window: only the template, whatever the preference.
    [InlineData(false, true, true, true, true, SentAs.Template)]
    [InlineData(false, true, true, true, false, SentAs.Template)]
    [InlineData(false, true, true, false, true, DispatchReasons.NotRenderable)]
    [InlineData(false, true, true, false, false, DispatchReasons.NotRenderable)]
    [InlineData(false, true, false, true, true, DispatchReasons.NoTemplate)]
    [InlineData(false, true, false, true, false, DispatchReasons.NoTemplate)]
    [InlineData(false, true, false, false, true, DispatchReasons.NoTemplate)]
    [InlineData(false, true, false, false, false, DispatchReasons.NoTemplate)]
    [InlineData(false, false, true, true, true, SentAs.Template)]
    [InlineData(false, false, true, true, false, SentAs.Template)]
    [InlineData(false, false, true, false, true, DispatchReasons.NotRenderable)]
    [InlineData(false, false, true, false, false, DispatchReasons.NotRenderable)]
    public void Decide_ChoosesSessionOrTemplate(bool sessionOpen, bool hasText, bool hasTemplate, bool hasTemplateValues, bool preferSession, string expected)
    {
        var facts = Sendable() with
        {
            SessionOpen = sessionOpen,
            HasText = hasText,
            Content = TemplatedContent with { HasTemplate = hasTemplate },
            HasTemplateValues = hasTemplateValues,
        };
        var expectedDecision = expected is SentAs.Session or SentAs.Template
            ? new RecheckDecision(RecheckVerdict.Send, null, expected, null)
            : RecheckDecision.Cancel(expected);
        Assert.Equal(expectedDecision, Decide(facts, preferSession));
    }

    /// <summary>
    /// Outside the 24-hour window a content without a template has nothing lawful to send, whether or not its text rendered:
    /// the missing template is the reason (the four combinations the truth table above leaves out).
    /// </summary>
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void Decide_CancelsAsNoTemplate_WhenTheWindowIsClosedAndTheContentHasNoTemplate_EvenWithoutText(bool hasTemplateValues, bool preferSession)
    {
        var facts = Sendable() with
        {
            SessionOpen = false,
            HasText = false,
            Content = TemplatedContent with { HasTemplate = false },
            HasTemplateValues = hasTemplateValues,
        };
        Assert.Equal(RecheckDecision.Cancel(DispatchReasons.NoTemplate), Decide(facts, preferSession));
    }

    [Fact]
    public void Decide_PrefersSession_OnlyWhenAsked()
    {
        var facts = Sendable() with { SessionOpen = true };
        Assert.Equal(SendAsSession, Decide(facts, preferSession: true));
        Assert.Equal(SendAsTemplate, Decide(facts, preferSession: false));
    }

    [Fact]
    public void Decide_SendsASessionMessage_ForAContentWithoutTemplate_InsideTheWindow()
    {
        var facts = Sendable() with { SessionOpen = true, Content = TemplatedContent with { HasTemplate = false }, HasTemplateValues = false };
        Assert.Equal(SendAsSession, Decide(facts, preferSession: false));
        Assert.Equal(RecheckDecision.Cancel(DispatchReasons.NoTemplate), Decide(facts with { SessionOpen = false }, preferSession: false));
    }
}

using LiveInit.Cmdline;
using LiveInit.Plan;
using LiveInit.Verify;

namespace LiveInit.Dialects;

/// <summary>
/// The signature policy: the initramfs's trusted keys (<see cref="TrustStore"/>) and its verify.conf decide;
/// the command line can only make it stricter: <c>liveinit.unsigned=refuse</c> refuses unsigned files even
/// when the image allows them, <c>liveinit.unsigned=allow</c> cannot weaken an image that refuses them (a
/// warning says so; only a new initramfs built with <c>--allow-unsigned</c> can). No keys: nothing is verified.
/// </summary>
public static class SignaturePolicy
{
    public const string Parameter = "liveinit.unsigned";

    public static VerifyPlan? Resolve(KernelCommandLine c, TrustStore store, Diagnostics d)
    {
        var p = c.Find(Parameter);
        if (!store.Present)
        {
            if (p is not null)
                d.Warn(Parameter, "this initramfs trusts no keys (mkinitramfs --trust-key): nothing is verified");
            return null;
        }
        foreach (var problem in store.Problems) d.Error("trusted-keys", problem);
        var plan = new VerifyPlan(store.Keys, store.AllowUnsigned, store.Source);
        if (p is null) return plan;
        switch (p.Value)
        {
            case "refuse":
                return plan with { AllowUnsigned = false, Source = $"{Parameter}=refuse" };
            case "allow":
                if (!store.AllowUnsigned)
                    d.Warn(Parameter, $"cannot weaken the image's policy ({store.Source}): unsigned files stay refused; "
                                      + "only an initramfs built with mkinitramfs --allow-unsigned accepts them");
                return plan;
            default:
                d.Error(Parameter, $"'{p.Value}' is not allow or refuse; ignored ({store.Source})");
                return plan;
        }
    }
}

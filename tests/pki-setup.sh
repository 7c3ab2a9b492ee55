#!/bin/sh
# pki-setup.sh DIR: a throwaway PKI and SoftHSM2 token for the signature tests.
#
# In DIR: ca.pem (the trust anchor), and for each of supervisor (valid, digitalSignature
# + nonRepudiation), expired (expired in 2020) and wrong-usage (keyEncipherment only):
# NAME.key, NAME.pem and NAME.p12 (password "matkhau"). other-ca.pem is an unrelated CA.
# softhsm2.conf points at DIR/tokens, where the token "motcua-test" (user PIN 123456,
# SO PIN 12345678) holds every key and certificate, each under its NAME as label.
# Nothing outside DIR is touched.
set -eu

dir=$1
module=${SOFTHSM2_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
mkdir -p "$dir/tokens"
cd "$dir"

cat > ca.tmpl <<EOF
cn = "CA Thử nghiệm Một cửa"
organization = "Ban Cơ yếu Thử nghiệm"
country = VN
serial = 1
expiration_days = 3650
ca
cert_signing_key
crl_signing_key
EOF
certtool --generate-privkey --key-type rsa --bits 2048 --outfile ca.key 2>/dev/null
certtool --generate-self-signed --load-privkey ca.key --template ca.tmpl --outfile ca.pem 2>/dev/null

sed 's/Thử nghiệm Một cửa/Khác/; s/serial = 1/serial = 2/' ca.tmpl > other-ca.tmpl
certtool --generate-privkey --key-type rsa --bits 2048 --outfile other-ca.key 2>/dev/null
certtool --generate-self-signed --load-privkey other-ca.key --template other-ca.tmpl --outfile other-ca.pem 2>/dev/null

# name serial usage-lines validity-lines
make_cert () {
  name=$1
  serial=$2
  usage=$3
  validity=$4
  printf 'cn = "Nguyễn Văn Lãnh (%s)"\norganization = "UBND xã Thử Nghiệm"\ncountry = VN\nserial = %s\n%s\n%s\n' \
    "$name" "$serial" "$usage" "$validity" > "$name.tmpl"
  certtool --generate-privkey --key-type rsa --bits 2048 --outfile "$name.key" 2>/dev/null
  certtool --generate-certificate --load-privkey "$name.key" --load-ca-certificate ca.pem \
    --load-ca-privkey ca.key --template "$name.tmpl" --outfile "$name.pem" 2>/dev/null
  certtool --to-p12 --load-privkey "$name.key" --load-certificate "$name.pem" --p12-name "$name" \
    --password matkhau --outder --outfile "$name.p12" 2>/dev/null
}

make_cert supervisor 11 "$(printf 'signing_key\nnon_repudiation')" "expiration_days = 730"
make_cert expired 12 "$(printf 'signing_key\nnon_repudiation')" \
  "$(printf 'activation_date = "2019-01-01 00:00:00"\nexpiration_date = "2020-01-01 00:00:00"')"
make_cert wrong-usage 13 "encryption_key" "expiration_days = 730"

printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
  "$PWD" > softhsm2.conf
SOFTHSM2_CONF=$PWD/softhsm2.conf
export SOFTHSM2_CONF
softhsm2-util --init-token --free --label motcua-test --so-pin 12345678 --pin 123456 >/dev/null

for name in supervisor expired wrong-usage; do
  GNUTLS_PIN=123456 p11tool --provider "$module" --login --write --label "$name" \
    --load-privkey "$name.key" "pkcs11:token=motcua-test" >/dev/null 2>&1
  GNUTLS_PIN=123456 p11tool --provider "$module" --login --write --label "$name" \
    --load-certificate "$name.pem" "pkcs11:token=motcua-test" >/dev/null 2>&1
done

/*
 * fuzz_mqtt.c - libFuzzer target: any bytes as MQTT packets from a
 * broker.  The first byte picks the protocol version; the rest is a
 * stream of packets, each decoded as the probe decodes it: fixed header
 * (its length checked against what is there), then CONNACK, SUBACK,
 * PUBACK or PUBLISH body.
 */
#include <stdint.h>
#include <stdlib.h>

#include "probe/mqtt_codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *topic, *payload;
	size_t off = 1, rem, hl, tl, pl;
	unsigned char type;
	const char *why;
	int version, sp, code, granted;

	if (size < 1)
		return 0;
	version = (data[0] & 1) ? 5 : 4;
	while (off < size) {
		if (assay_mqtt_header_parse(data + off, size - off, &type, &rem,
		    &hl) != 0 || hl == 0)
			break;
		off += hl;
		if (rem > size - off)
			break;
		switch (type & 0xf0) {
		case ASSAY_MQTT_CONNACK:
			(void)assay_mqtt_connack_parse(data + off, rem, version,
			    &sp, &code);
			break;
		case ASSAY_MQTT_SUBACK:
			(void)assay_mqtt_suback_parse(data + off, rem, version,
			    &granted, &why);
			break;
		case ASSAY_MQTT_PUBACK:
			if (assay_mqtt_puback_parse(data + off, rem, version,
			    &code, &why) == 0 && (code < 0 || code > 255))
				abort();
			break;
		case ASSAY_MQTT_PUBLISH:
			if (assay_mqtt_publish_parse(data + off, rem, type & 0x0fU,
			    version, &topic, &tl, &payload, &pl) == 0 &&
			    (topic + tl > data + size || payload + pl > data + size))
				abort();
			break;
		}
		off += rem;
	}
	return 0;
}
